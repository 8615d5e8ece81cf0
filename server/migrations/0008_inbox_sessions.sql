-- The creator's web inbox: one-time sign-in links and browser sessions. Only the sha256 of
-- a link's or a session's token is stored; the token itself is in the URL or the cookie.
CREATE TABLE inbox_sign_in_links (
    token_hash text PRIMARY KEY,
    creator_id text NOT NULL REFERENCES creators (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    used_at timestamptz                       -- set once: a link signs in one browser
);
CREATE INDEX inbox_sign_in_links_creator_idx ON inbox_sign_in_links (creator_id, expires_at);

CREATE TABLE inbox_sessions (
    token_hash text PRIMARY KEY,
    creator_id text NOT NULL REFERENCES creators (id),
    -- The creator key it was opened with: revoking the key ends the session. NULL for a link.
    api_key_id text REFERENCES api_keys (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    ended_at timestamptz                      -- signed out
);
CREATE INDEX inbox_sessions_creator_idx ON inbox_sessions (creator_id, expires_at);
