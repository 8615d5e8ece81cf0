"""Wiring: open the database, build the adapters and the graph, set up the job queue.

Shared by the API process (server.app) and standalone workers (server.worker).
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from langgraph.graph.state import CompiledStateGraph
from psycopg_pool import AsyncConnectionPool

from domain.lexicon import prepare_scanner
from graphs.creator_onboarding import OnboardingAdapters, build_onboarding_graph
from graphs.customer_onboarding import build_customer_onboarding_graph
from graphs.sales import SalesAdapters, build_sales_graph
from server import db
from server.checkpoint_reads import ReusingSaver
from server.creator_messages import CreatorMessenger
from server.digest_sender import DigestSender
from server.jobs import JobQueue, new_queue_app, schedule_agent_send, schedule_timer_job
from server.onboarding_runner import OnboardingRunner
from server.resend_runner import ResendRunner
from server.sales_runner import SalesRunner
from server.settings import Settings
from server.sns_signatures import SnsVerifier
from server.store import service_secrets
from server.store.onboarding_graph_store import PostgresOnboardingStore
from server.store.sales_graph_store import PostgresSalesStore
from server.twilio_signature import STATUS_PATH, public_url
from server.unsubscribe_links import SECRET_NAME, UnsubscribeLinks
from tools.channels import Transport
from tools.creator_source import CreatorSource, build_creator_source
from tools.email import SesEmail
from tools.llm import build_drafter, build_judge, build_profile_writer
from tools.outbox import OutboxTransport
from tools.whatsapp import TwilioWhatsApp

log = logging.getLogger(__name__)


def build_transports(settings: Settings) -> tuple[Transport, Transport]:
    if settings.whatsapp_configured:
        whatsapp: Transport = TwilioWhatsApp.from_credentials(
            settings.twilio_account_sid,
            settings.twilio_auth_token.get_secret_value(),
            settings.twilio_whatsapp_from,
            timeout_s=settings.provider_timeout_s,
            max_concurrency=settings.provider_concurrency,
            api_base_url=settings.twilio_api_base_url,
            status_callback=public_url(settings, STATUS_PATH),
        )
    else:
        whatsapp = OutboxTransport()
    if settings.email_configured:
        email: Transport = SesEmail.from_settings(
            settings.ses_from_email,
            settings.aws_region,
            timeout_s=settings.provider_timeout_s,
            max_concurrency=settings.provider_concurrency,
            endpoint_url=settings.ses_endpoint_url,
            configuration_set=settings.ses_configuration_set,
        )
    else:
        email = OutboxTransport()
    return whatsapp, email


@dataclass
class Services:
    settings: Settings
    database: str  # where the data lives, for the start-up banner
    pool: AsyncConnectionPool
    graph: CompiledStateGraph
    runner: SalesRunner
    jobs: JobQueue
    digests: DigestSender
    creator_source: CreatorSource | None
    # The creator's own messages to a lead (POST /threads/{creator_id}/{consumer_id}/messages).
    creator_messages: CreatorMessenger
    transports: dict[str, str] = field(default_factory=dict)
    # Whether a rejection's feedback gets a rewritten draft (it needs a model).
    drafter_revises: bool = True
    release_database: Callable[[], None] | None = None  # the embedded Postgres
    senders: list[Transport] = field(default_factory=list)
    # Signs and checks the unsubscribe links in emails (one key for every process).
    unsubscribe: UnsubscribeLinks = field(default_factory=lambda: UnsubscribeLinks(b"", None))
    sns: SnsVerifier = field(default_factory=SnsVerifier)

    async def close(self) -> None:
        await self.jobs.app.close_async()
        await self.pool.close()
        if self.release_database is not None:
            await asyncio.to_thread(self.release_database)
        for sender in self.senders:
            sender.close()


async def open_services(settings: Settings) -> Services:
    release_database = None
    if settings.database_url:
        url, database = settings.database_url, "Postgres at DATABASE_URL"
    else:
        url, release_database = await asyncio.to_thread(
            db.start_embedded_postgres, settings.data_dir
        )
        database = f"embedded Postgres in {(settings.data_dir / 'postgres').resolve()}"
    pool: AsyncConnectionPool | None = None
    try:
        pool = await db.open_pool(url, settings.db_pool_max_size)
        saver = ReusingSaver(pool)  # type: ignore[arg-type]
        async with pool.connection() as conn:
            await db.apply_migrations(conn, extra_setup=saver.setup)
            unsubscribe = UnsubscribeLinks(
                await service_secrets.ensure_secret(conn, SECRET_NAME),
                settings.public_base_url,
                settings.unsubscribe_mailbox,
                settings.sender_postal_address,
            )
        # The saver serialises every call behind one lock; with a pool it can use them all.
        saver.lock = asyncio.Semaphore(pool.max_size)  # type: ignore[assignment]

        # Off the loop: every draft and creator upload checks text against it.
        await asyncio.to_thread(prepare_scanner)
        whatsapp, email = build_transports(settings)
        drafter = build_drafter(settings)
        judge = build_judge(settings)
        queue_app = new_queue_app()
        sales_store = PostgresSalesStore(
            pool,
            schedule_send=functools.partial(schedule_agent_send, queue_app),
            schedule_timer_job=functools.partial(schedule_timer_job, queue_app),
            undo_window_s=settings.auto_send_delay_s,
            default_template_sid=settings.twilio_whatsapp_template_sid,
            unsubscribe_links=unsubscribe,
        )
        adapters = SalesAdapters(
            drafter=drafter,
            judge=judge,
            whatsapp=whatsapp,
            email=email,
            store=sales_store,
        )
        graph = build_sales_graph(adapters).compile(checkpointer=saver)
        customer_graph = build_customer_onboarding_graph(adapters).compile(checkpointer=saver)
        runner = SalesRunner(pool, graph, customer_graph)
        onboarding_store = PostgresOnboardingStore(pool, settings.agent_defaults)
        creator_source = build_creator_source(
            settings.creator_api_base_url,
            settings.creator_api_timeout_s,
            settings.creator_api_attempts,
        )
        onboarding_graph = build_onboarding_graph(
            OnboardingAdapters(
                source=creator_source,
                writer=build_profile_writer(settings),
                store=onboarding_store,
                judge=judge,
            )
        ).compile(checkpointer=saver)
        onboarding = OnboardingRunner(pool, onboarding_graph, onboarding_store)
        resender = ResendRunner(pool, {"whatsapp": whatsapp, "email": email}, sales_store)
        digests = DigestSender(pool, {"whatsapp": whatsapp, "email": email}, settings)
        jobs = JobQueue(
            queue_app, runner, onboarding, resender, digests, settings.checkpoint_keep_days
        )
        creator_messages = CreatorMessenger(
            pool, {"whatsapp": whatsapp, "email": email}, sales_store, jobs
        )
        await jobs.app.open_async(pool)
    except BaseException:
        if pool is not None:
            await pool.close()
        if release_database is not None:
            await asyncio.to_thread(release_database)
        raise
    return Services(
        settings=settings,
        database=database,
        pool=pool,
        graph=graph,
        runner=runner,
        jobs=jobs,
        digests=digests,
        creator_source=creator_source,
        creator_messages=creator_messages,
        transports={"whatsapp": whatsapp.name, "email": email.name},
        drafter_revises=drafter.revises_with_feedback,
        release_database=release_database,
        senders=[whatsapp, email],
        unsubscribe=unsubscribe,
        sns=SnsVerifier(settings.sns_base_url, settings.provider_timeout_s),
    )
