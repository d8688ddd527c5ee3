using Agentic.Core.Execution;
using Xunit;

namespace Agentic.Core.Tests.Execution;

public sealed class LifetimeIdsTests
{
    [Theory]
    [InlineData("01936f2c-8a5b-7c3d-9e4f-0123456789ab", "01jdqjs2jvfgyswkr14d2pf2db")]
    [InlineData("00000000-0000-0000-0000-000000000000", "00000000000000000000000000")]
    [InlineData("ffffffff-ffff-ffff-ffff-ffffffffffff", "7zzzzzzzzzzzzzzzzzzzzzzzzz")]
    public void Formats_the_uuid_as_26_crockford_base32_digits(string uuid, string expected) =>
        Assert.Equal(expected, LifetimeIds.Format(Guid.Parse(uuid)));

    [Fact]
    public void Ids_sort_by_creation_time_as_plain_strings()
    {
        var earlier = LifetimeIds.Format(Guid.Parse("01936f2c-8a5b-7fff-bfff-ffffffffffff"));
        var later = LifetimeIds.Format(Guid.Parse("01936f2c-8a5c-7000-8000-000000000000"));
        Assert.True(string.CompareOrdinal(earlier, later) < 0, $"{earlier} should sort before {later}");
    }

    [Fact]
    public void Ids_of_new_uuids_are_distinct_lowercase_and_of_the_documented_length()
    {
        var ids = Enumerable.Range(0, 1000).Select(_ => LifetimeIds.Format(Guid.CreateVersion7())).ToList();
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
        Assert.All(ids, id =>
        {
            Assert.Equal(LifetimeIds.Length, id.Length);
            Assert.Matches("^[0-9a-hjkmnp-tv-z]{26}$", id);
        });
    }
}
