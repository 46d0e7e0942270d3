"""What every request passes through: middleware (body limit, access log) and health."""
