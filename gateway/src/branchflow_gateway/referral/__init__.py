"""The referral domain in the gateway: its client (``client``), GraphQL types and resolvers,
DataLoaders, the wealth manager's live push of customers referred on the spot, which fields each
role gets (``fields``), and what it starts and hands each request (``domain``)."""
