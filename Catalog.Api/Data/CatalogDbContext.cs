using Microsoft.EntityFrameworkCore;

namespace Shop.Catalog.Api.Data;

/// <summary>
/// The catalog database (resource <c>catalogdb</c>): products, categories and flash-sale definitions. The
/// entities come with the catalog features; the context exists now so that the connection, pooling, retries
/// and the health check are in place from the start.
/// </summary>
public sealed class CatalogDbContext(DbContextOptions<CatalogDbContext> options) : DbContext(options);
