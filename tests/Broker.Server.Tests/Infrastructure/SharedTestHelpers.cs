// The helpers that live once, in the shared test library; aliases, because a using of its namespace would make its
// Waits clash with this project's.
global using FreePorts = Broker.Conformance.FreePorts;
global using ListLoggerFactory = Broker.Conformance.ListLoggerFactory;
