using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Shop.Catalog.Api.Infrastructure;

/// <summary>Recognises the constraint violations that mean "conflict with the current state" (a 409, not a 500).</summary>
internal static class DatabaseErrors
{
    /// <summary>Two scheduled sales of one item with overlapping windows (exclusion constraint).</summary>
    public static bool IsOverlap(DbUpdateException exception) => SqlState(exception) == PostgresErrorCodes.ExclusionViolation;

    /// <summary>A row that another one still refers to, or a reference to a row that is gone.</summary>
    public static bool IsForeignKeyViolation(DbUpdateException exception) => SqlState(exception) == PostgresErrorCodes.ForeignKeyViolation;

    private static string? SqlState(DbUpdateException exception) => (exception.InnerException as PostgresException)?.SqlState;
}
