-- The gateway CA that every `authsome serve` replica of a profile presents, so that agents trust
-- one certificate whichever replica answers: the certificate in clear (it is public), its private
-- key as an envelope like the connections' records (sealed under its own data key, wrapped by the
-- profile's key-encryption key).

CREATE TABLE gateway_ca (
	profile      text PRIMARY KEY REFERENCES profiles (name) ON DELETE CASCADE,
	cert_pem     text NOT NULL,
	key_id       bytea NOT NULL,
	wrapped_key  bytea NOT NULL,
	sealed       bytea NOT NULL,
	updated_at   timestamptz NOT NULL DEFAULT now()
);
