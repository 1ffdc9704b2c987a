-- hallmark manifest repository, schema version 2 (SQLite).
-- Keep in step with ../postgres/0002_signer_certificate.sql.

-- Which certificate signed each manifest: the SHA-256 of the signer
-- certificate (DER), lower-case hex; NULL for entries published before it
-- was recorded (each counts as a signer of its own). Matches are
-- deduplicated per certificate and the number of manifests a certificate
-- may store is capped, so that throwaway keys cannot crowd out a creator.
ALTER TABLE entries ADD COLUMN signer_certificate TEXT;

CREATE INDEX entries_signer_certificate ON entries (signer_certificate)
    WHERE signer_certificate IS NOT NULL;
