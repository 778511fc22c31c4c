global using Broker.Transport;
global using Xunit;
