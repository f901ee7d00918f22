-- The gateway's agents: one row each, the agent as JSON (its grant, dates and the SHA-256 of its
-- credential or the pin of its client certificate: never a credential in clear). id, name and
-- cert_sha256 are copied out of doc to be looked up and kept unique.

CREATE TABLE agents (
	profile      text NOT NULL REFERENCES profiles (name) ON DELETE CASCADE,
	id           text NOT NULL,
	name         text NOT NULL,
	cert_sha256  text NOT NULL DEFAULT '',
	doc          jsonb NOT NULL,
	updated_at   timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (profile, id),
	UNIQUE (profile, name)
);
CREATE UNIQUE INDEX agents_cert ON agents (profile, cert_sha256) WHERE cert_sha256 <> '';
