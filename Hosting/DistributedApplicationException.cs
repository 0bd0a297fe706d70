namespace Shop.Hosting;

/// <summary>An error in the app model or in starting it, with a message meant for the person at the terminal.</summary>
public class DistributedApplicationException(string message, Exception? inner = null) : Exception(message, inner);
