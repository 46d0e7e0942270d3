"""Sources -> assembled graph -> HermiT -> QC: everything before validation and release."""
