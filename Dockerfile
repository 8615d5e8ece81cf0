FROM python:3.11-slim
WORKDIR /app
ENV PYTHONUNBUFFERED=1 LANGGRAPH_STRICT_MSGPACK=true
COPY pyproject.toml README.md ./
COPY graphs graphs
COPY nodes nodes
COPY tools tools
COPY server server
COPY prompts prompts
COPY domain domain
RUN pip install --no-cache-dir .
# Postgres comes from DATABASE_URL in containers; the embedded one (the `embedded` extra,
# no ARM wheels) is only for local runs and is not installed here.
USER nobody
EXPOSE 8000
CMD ["python", "-m", "server"]
