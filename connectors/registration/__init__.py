"""XMeld (Meldewesen): recognise registration-office messages, check what XMeld defines, route by municipality."""
