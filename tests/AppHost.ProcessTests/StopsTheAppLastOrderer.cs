using Xunit.Abstractions;
using Xunit.Sdk;

namespace Shop.AppHost.ProcessTests;

/// <summary>Marks the test that ends the class's shared AppHost run: it runs after every other test of the class.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class StopsTheAppAttribute : Attribute;

/// <summary>
/// Orders a class's tests by name, those marked <see cref="StopsTheAppAttribute"/> last: the tests of one AppHost run
/// read it while it runs, and the last one stops it (one whole-app start for all of them).
/// </summary>
public sealed class StopsTheAppLastOrderer : ITestCaseOrderer
{
    public const string TypeName = "Shop.AppHost.ProcessTests.StopsTheAppLastOrderer";

    public const string AssemblyName = "AppHost.ProcessTests";

    public IEnumerable<TTestCase> OrderTestCases<TTestCase>(IEnumerable<TTestCase> testCases)
        where TTestCase : ITestCase =>
        testCases
            .OrderBy(c => c.TestMethod.Method.GetCustomAttributes(typeof(StopsTheAppAttribute)).Any())
            .ThenBy(c => c.DisplayName, StringComparer.Ordinal);
}
