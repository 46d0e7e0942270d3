"""The release: serialising the checked graph into the release files, atomically."""
