namespace Shop.ServiceDefaults.Clients;

/// <summary>
/// Settings of <c>AddNpgsqlDbContext</c>, bound from <c>Aspire:Npgsql:EntityFrameworkCore:PostgreSQL</c> and then
/// <c>Aspire:Npgsql:EntityFrameworkCore:PostgreSQL:{DbContextTypeName}</c>, like Aspire's settings of that name.
/// </summary>
public sealed class NpgsqlEntityFrameworkCorePostgreSQLSettings
{
    /// <summary>The configuration section the settings are bound from.</summary>
    public const string SectionName = "Aspire:Npgsql:EntityFrameworkCore:PostgreSQL";

    /// <summary><c>Host=..;Port=..;Username=..;Password=..;Database=..</c>; <c>ConnectionStrings:{name}</c> takes precedence.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Do not register the database health check.</summary>
    public bool DisableHealthChecks { get; set; }

    /// <summary>Do not wrap operations in EF Core's retrying execution strategy (needed for user-started transactions).</summary>
    public bool DisableRetry { get; set; }

    /// <summary>Do not emit an Npgsql span per command.</summary>
    public bool DisableTracing { get; set; }

    /// <summary>Command timeout in seconds; null keeps Npgsql's default (30 s).</summary>
    public int? CommandTimeout { get; set; }
}
