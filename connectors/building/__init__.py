"""XBau 2.6 (with XBau-Kernmodul 1.3.0): building permit applications, answers and portal status messages."""
