global using Broker.Dashboard.Tests.Infrastructure;
global using Broker.Transport;
global using FreePorts = Broker.Conformance.FreePorts;
