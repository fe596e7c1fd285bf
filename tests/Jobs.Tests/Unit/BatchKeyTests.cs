using Jobs.Messages;
using Xunit;

namespace Jobs.Tests.Unit;

/// <summary>A batch's key names its coordinator and its persistence id (<c>batch-&lt;key&gt;</c>), so the default tenant's must stay the bare id.</summary>
public sealed class BatchKeyTests
{
    [Fact]
    public void The_default_tenants_batch_key_is_the_bare_id_and_other_tenants_keys_are_distinct()
    {
        Assert.Equal("nightly", BatchKeys.For("default", "nightly"));
        Assert.Equal("acme:nightly", BatchKeys.For("acme", "nightly"));
        Assert.NotEqual(BatchKeys.For("acme", "x"), BatchKeys.For("globex", "x"));
        Assert.Equal(BatchKeys.For("acme", "x"), new SubmitBatch("x", "acme", []).ConsistentHashKey);
        Assert.Equal(BatchKeys.For("acme", "x"), new GetTenantBatch("x", "acme").ConsistentHashKey);
    }
}
