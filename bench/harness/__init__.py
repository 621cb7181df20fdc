"""The machinery every benchmark in ``bench/`` shares, so that a benchmark file holds only its
measurement:

- ``infrastructure``: the embedded Tansu broker and PostgreSQL (or databases on ``TEST_DATABASE_URL``)
- ``processes``: servers as OS processes (start, wait until ready, stop, kill -9), ``serving``
- ``services``: how each Branchflow service starts, and the write a staff member makes to it
- ``http``: a lean HTTP/1.1 load client
- ``load``: closed- and open-loop load drivers, checked calls, load spread over client processes
- ``kafka``: a plain reader of a service's events, the raw aiokafka baseline, a consumer-group watch
- ``cpu``: CPU used per process during a phase, and by everything else on the machine
- ``stats``, ``report``: percentiles; tables, results files, which code was measured
- ``profiling``: py-spy on a process, and where its busy samples went
- ``write_path``: a service's write path (REST → database → outbox → Kafka) beside raw aiokafka
- ``targets``: servers compared on one request, closed and open loop (a ``Comparison``)
- ``graphql_core``: a raw graphql-core server, the baseline of a GraphQL server
- ``startup``: a service's start-up watched until it serves, is ready and its group rejoined
"""
