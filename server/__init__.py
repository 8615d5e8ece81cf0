"""The HTTP service: FastAPI app, settings, database and the job worker."""
