-- Twilio status callbacks that arrive before the send has written the message's SID (Twilio
-- may call back within milliseconds of taking a message, before the service's own write):
-- kept here and applied when the SID is written. Reports for SIDs that never become a lead's
-- message (a creator's digest) are dropped by the retention job after a day.
CREATE TABLE early_delivery_reports (
    transport text NOT NULL,
    provider_message_id text NOT NULL,
    status text NOT NULL,
    error_code text,
    received_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (transport, provider_message_id, status)
);
CREATE INDEX early_delivery_reports_received_idx ON early_delivery_reports (received_at);

-- An inbound WhatsApp message finds its lead (every creator's) by the number it came from.
CREATE INDEX consumers_whatsapp_idx ON consumers (whatsapp) WHERE whatsapp IS NOT NULL;
