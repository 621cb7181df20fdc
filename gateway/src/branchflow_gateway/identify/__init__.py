"""The identify domain in the gateway: its client (``client``), GraphQL types and resolvers,
DataLoaders, the lobby's live feed and kept lists, which fields each role gets (``fields``),
and what it starts and hands each request (``domain``)."""
