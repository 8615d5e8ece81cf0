"""What the API answers: a pydantic model per answer, so OpenAPI documents every body
(success and error) and FastAPI checks each answer against it before it leaves."""
