-- The gateway's requests join the credential events in audit_log: one row per request a
-- gateway answered (kind 'request'), or per summary of requests refused before authentication
-- (kind 'refusals'). Never a secret: no header, no query string, no token, no credential.
-- outcome is 'allowed' (sent upstream) or 'refused'; details holds the rest of the entry
-- (bytes_in, bytes_out, injected, needs, hint, count, until).

ALTER TABLE audit_log
	ADD COLUMN agent        text NOT NULL DEFAULT '',
	ADD COLUMN method       text NOT NULL DEFAULT '',
	ADD COLUMN host         text NOT NULL DEFAULT '',
	ADD COLUMN path         text NOT NULL DEFAULT '',
	ADD COLUMN status       integer NOT NULL DEFAULT 0,
	ADD COLUMN duration_ms  double precision NOT NULL DEFAULT 0,
	ADD COLUMN mode         text NOT NULL DEFAULT '',
	ADD COLUMN error        text NOT NULL DEFAULT '';
CREATE INDEX audit_log_agent_at ON audit_log (profile, agent, at) WHERE agent <> '';
