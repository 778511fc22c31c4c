global using Broker.Transport;
