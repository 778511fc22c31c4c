namespace Sample.Channels;
