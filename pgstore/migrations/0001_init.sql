-- The store's first schema: one profile's vault spread over rows. Every secret-bearing record
-- (a connection, an OAuth client) is an envelope: the record sealed under its own data key
-- (sealed), the data key wrapped by the profile's key-encryption key (wrapped_key, key_id).

CREATE TABLE profiles (
	name        text PRIMARY KEY,
	version     bigint NOT NULL DEFAULT 0,   -- bumped by every write; announced by NOTIFY
	key_source  text,                        -- env, file or passphrase: where the key-encryption key lives
	key_id      bytea,                       -- identifies the key-encryption key (a hash of it)
	kdf         jsonb,                       -- argon2id parameters of a passphrase key
	created_at  timestamptz NOT NULL DEFAULT now(),
	updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE providers (
	profile             text NOT NULL REFERENCES profiles (name) ON DELETE CASCADE,
	provider            text NOT NULL,
	default_connection  text NOT NULL DEFAULT '',
	PRIMARY KEY (profile, provider)
);

CREATE TABLE connections (
	profile      text NOT NULL,
	provider     text NOT NULL,
	name         text NOT NULL,
	key_id       bytea NOT NULL,
	wrapped_key  bytea NOT NULL,
	sealed       bytea NOT NULL,
	updated_at   timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (profile, provider, name),
	FOREIGN KEY (profile, provider) REFERENCES providers ON DELETE CASCADE
);

CREATE TABLE oauth_clients (
	profile      text NOT NULL,
	provider     text NOT NULL,
	key_id       bytea NOT NULL,
	wrapped_key  bytea NOT NULL,
	sealed       bytea NOT NULL,
	updated_at   timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (profile, provider),
	FOREIGN KEY (profile, provider) REFERENCES providers ON DELETE CASCADE
);

-- User provider definition files (<name>.json or .jsonc), shared by every profile as in a home
-- folder. Definitions hold no secrets.
CREATE TABLE provider_overrides (
	file_name   text PRIMARY KEY,
	content     bytea NOT NULL,
	updated_at  timestamptz NOT NULL DEFAULT now()
);

-- Credential events. They never hold a secret.
CREATE TABLE audit_log (
	id          bigserial PRIMARY KEY,
	profile     text NOT NULL,
	at          timestamptz NOT NULL,
	kind        text NOT NULL,
	provider    text NOT NULL DEFAULT '',
	connection  text NOT NULL DEFAULT '',
	outcome     text NOT NULL DEFAULT '',
	details     jsonb
);
CREATE INDEX audit_log_profile_at ON audit_log (profile, at);
