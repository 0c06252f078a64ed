"""The ingest stage: from a received XÖV message to every recipient's copy, its case steps and its dead letters."""
