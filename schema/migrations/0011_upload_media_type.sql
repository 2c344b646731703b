-- 0011_upload_media_type.sql: the media type each uploader gave (issue 14.16).
--
-- The same bytes uploaded by two people are stored once (documents is
-- content-addressed), but each uploader's Content-Type is theirs: a download by
-- an uploader answers with the type they gave, so that uploading bytes someone
-- else uploaded reveals nothing about that person's upload. NULL for uploads
-- recorded before this migration; those fall back to documents.media_type.

ALTER TABLE document_uploads ADD COLUMN media_type TEXT;
