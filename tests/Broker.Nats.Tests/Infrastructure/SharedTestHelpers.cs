// The port helper lives once, in the shared test library.
global using FreePorts = Broker.Conformance.FreePorts;
