"""XPersonenstand 26.11 portal messages: certificate requests to the Standesamt and its electronic deliveries."""
