using Agentic.Runtime.Guardrails;
using Agentic.Runtime.Journal;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Agentic.Server.Api;

/// <summary>/v1/usage: the calling tenant's spend from its journals.</summary>
internal static class UsageEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1").AddEndpointFilter(ApiAuthentication.RequireTenant).WithTags("usage").RequireRateLimiting(TenantRateLimits.Policy);
        group.MapGet("/usage", UsageAsync);
    }

    /// <summary>Tokens and cost by node and model, read from the tenant's journals (lost attempts included).</summary>
    private static async Task<IResult> UsageAsync(HttpContext context, IJournalStore store)
    {
        var report = await UsageReport.ReadAsync(store, ApiCaller.Tenant(context), null, context.RequestAborted);
        return TypedResults.Ok(new
        {
            lifetimes = report.Lifetimes,
            executions = report.Executions,
            tokens_used = report.TokensUsed,
            input_tokens = report.InputTokens,
            output_tokens = report.OutputTokens,
            cost_usd = report.CostUsd,
            by_hour = report.Hours.Select(h => new { hour = h.Hour, tokens_used = h.TokensUsed, cost_usd = h.CostUsd }),
            by_node = report.Lines.Select(l => new { node = l.Node, model = l.Model.Length == 0 ? null : l.Model, executions = l.Executions, input_tokens = l.InputTokens, output_tokens = l.OutputTokens, tokens_used = l.TokensUsed, cost_usd = l.CostUsd }),
        });
    }
}
