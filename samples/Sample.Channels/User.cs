namespace Sample.Channels;

/// <summary>The seed's message: a user who just registered.</summary>
public sealed record User(int Id, string Username);
