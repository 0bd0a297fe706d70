namespace Shop.Web.Components;

/// <summary>
/// Marks a page that hosts live (InteractiveServer) components: only such pages load <c>blazor.web.js</c> and open
/// a circuit (App.razor). Every other page stays plain HTML with no circuit, the sale page above all (DESIGN.md §4.7).
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class LivePageAttribute : Attribute;
