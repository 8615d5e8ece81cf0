-- A send is claimed ('claimed', with a token) before the provider call and marked 'sending'
-- just before it, so a retry can tell "never reached the provider" from "may have sent".
ALTER TABLE messages ADD COLUMN claim_token text;
