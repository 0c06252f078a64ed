"""Case timelines: the steps of each case, filed once per message, and the portal's numbered view of them."""
