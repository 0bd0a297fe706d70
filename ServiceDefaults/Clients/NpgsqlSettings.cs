namespace Shop.ServiceDefaults.Clients;

/// <summary>Settings of <c>AddNpgsqlDataSource</c>, bound from <c>Aspire:Npgsql</c> then <c>Aspire:Npgsql:{name}</c>, like Aspire.Npgsql.</summary>
public sealed class NpgsqlSettings
{
    public const string SectionName = "Aspire:Npgsql";

    /// <summary><c>Host=..;Port=..;Username=..;Password=..;Database=..</c>; <c>ConnectionStrings:{name}</c> takes precedence.</summary>
    public string? ConnectionString { get; set; }

    public bool DisableHealthChecks { get; set; }

    public bool DisableTracing { get; set; }
}
