using Agentic.Core.Execution;
using Agentic.Core.Guardrails;
using Agentic.Runtime.Journal;
using Agentic.Runtime.Lifetimes;
using Microsoft.Extensions.DependencyInjection;

namespace Agentic.Orleans;

/// <summary>
/// Owns one tenant's ledger for the cluster: loaded from the store on activation, charged with what every silo sends
/// in the order it arrives (one call at a time), written back before answering. A ledger that cannot be read is
/// never counted afresh: every charge is refused with the reason, and the silos refuse the tenant's lifetimes.
/// </summary>
internal sealed class GuardrailGrain : Grain, IGuardrailGrain
{
    private readonly LifetimeServices _services;
    private TenantLedger? _ledger;
    private string? _unreadable;

    public GuardrailGrain(IServiceProvider services) => _services = services.GetRequiredService<LifetimeServices>();

    private string Tenant => this.GetPrimaryKeyString();

    public override Task OnActivateAsync(CancellationToken cancellationToken) => LoadAsync(cancellationToken);

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        var now = _services.Time.GetUtcNow();
        try
        {
            _ledger = await _services.Store.ReadTenantLedgerAsync(Tenant, cancellationToken) is { } state
                ? TenantLedger.Restore(state.State.Span, Tenant, now)
                : new TenantLedger(Tenant);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _unreadable = $"{ex.GetType().Name}: {ex.Message}";
        }
    }

    public async Task<TenantLedgerSnapshot> ChargeAsync(TenantUsageDelta usage)
    {
        ArgumentNullException.ThrowIfNull(usage);
        if (_ledger is null && _unreadable is null)
        {
            await LoadAsync(CancellationToken.None);
        }

        var ledger = Ledger();
        TenantLedger delta;
        try
        {
            delta = TenantLedger.Restore(usage.State, Tenant, _services.Time.GetUtcNow());
        }
        catch (InvalidDataException ex)
        {
            throw new ArgumentException($"the usage sent for tenant {Tenant} cannot be read: {ex.Message}", nameof(usage));
        }

        if (_services.Policies?.Current is { } set)
        {
            ledger.Track(set.Policies.Where(p => p.Scope == PolicyScope.Tenant && (p.Tenant is null || p.Tenant == Tenant)));
        }

        ledger.Merge(delta);
        // A confirmation that matched nothing kept here (its charge went out in a batch that failed and was resent
        // after it, or was confirmed before) has nothing left to cancel.
        ledger.ForgetConfirmations();
        var now = _services.Time.GetUtcNow();
        var captured = ledger.Capture(now);
        try
        {
            await _services.Store.WriteTenantLedgerAsync(new TenantLedgerState(Tenant, ledger.Charges, captured), CancellationToken.None);
        }
        catch
        {
            // The silo keeps these charges and sends them again: forget them here, with everything not stored, and
            // read the ledger afresh on the next call, so that the resent batch counts once.
            _ledger = null;
            throw;
        }

        return new TenantLedgerSnapshot(ledger.Charges, captured);
    }

    public async Task<TenantLedgerSnapshot> GetLedgerAsync()
    {
        if (_ledger is null && _unreadable is null)
        {
            await LoadAsync(CancellationToken.None);
        }

        var ledger = Ledger();
        return new TenantLedgerSnapshot(ledger.Charges, ledger.Capture(_services.Time.GetUtcNow()));
    }

    public async Task<IReadOnlyList<UnrecordedChargeData>> GetUnrecordedAsync(string lifetimeId)
    {
        ArgumentException.ThrowIfNullOrEmpty(lifetimeId);
        if (_ledger is null && _unreadable is null)
        {
            await LoadAsync(CancellationToken.None);
        }

        return Ledger().UnrecordedOf(lifetimeId)
            .Select(c => new UnrecordedChargeData(c.ExecutionId, c.Attempt, c.Telemetry.InputTokens, c.Telemetry.OutputTokens, c.Telemetry.CostUsd, c.Telemetry.LatencyMs, c.Telemetry.Model, c.Activation, c.Certain))
            .ToList();
    }

    private TenantLedger Ledger() =>
        _ledger ?? throw new InvalidOperationException($"the guardrail ledger of tenant {Tenant} cannot be read ({_unreadable}); its lifetimes are refused until it is repaired");
}
