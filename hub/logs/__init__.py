"""The hub's logs: one line per event, as JSON or text (HUB_LOG_FORMAT), with typed fields and never any payload.

`hub.logs.events` is what the pipeline calls; `hub.logs.setup` configures logging for the CLI and for faust's
worker; `hub.logs.repeats` holds back the Kafka clients' reconnect noise.
"""
