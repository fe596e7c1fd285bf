using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Json.Serialization;
using Akka.Actor;
using Akka.Serialization;
using SerializationException = System.Runtime.Serialization.SerializationException;

namespace Jobs.Messages.Serialization;

/// <summary>
/// System.Text.Json with stable string manifests for every <see cref="IJobsMessage"/>; used for
/// the journal, snapshots and the wire. A manifest, once written, is never renamed or reused:
/// evolve a message by adding optional members, or add a new manifest.
/// </summary>
public sealed class JobsSerializer : SerializerWithStringManifest
{
    public const int SerializerId = 731;

    public static readonly JsonSerializerOptions Options = CreateOptions();

    private static readonly FrozenDictionary<Type, string> ManifestByType = new Dictionary<Type, string>
    {
        [typeof(JobAccepted)] = "JA1",
        [typeof(JobAttemptStarted)] = "JAS1",
        [typeof(JobAttemptFailed)] = "JAF1",
        [typeof(JobRetryScheduled)] = "JRS1",
        [typeof(JobCompleted)] = "JC1",
        [typeof(JobDeadLettered)] = "JDL1",
        [typeof(JobCancelled)] = "JX1",
        [typeof(JobRequeued)] = "JRQ1",
        [typeof(JobPurged)] = "JP1",
        [typeof(JobAttemptHandedOff)] = "JHO1",
        [typeof(JobDependencyMet)] = "JDM1",
        [typeof(JobsExpired)] = "JEX1",
        [typeof(JobEventBatch)] = "JEB1",
        [typeof(PartitionSnapshot)] = "PS1",
        [typeof(WatchJob)] = "C-WATCH1",
        [typeof(WatchedJobEnded)] = "N-WEND1",
        [typeof(PartitionRecovered)] = "C-PREC1",
        [typeof(SubmitBatch)] = "B-SUB1",
        [typeof(GetBatch)] = "B-GET1",
        [typeof(BatchView)] = "B-VIEW1",
        [typeof(BatchNotFound)] = "B-NF1",
        [typeof(BatchRejected)] = "B-REJ1",
        [typeof(BatchAccepted)] = "BA1",
        [typeof(BatchCompleted)] = "BC1",
        [typeof(GetTenantBatch)] = "B-GETT1",
        [typeof(BatchIdTaken)] = "B-TAKEN1",
        [typeof(SubmitJob)] = "C-SUB1",
        [typeof(SubmitJobs)] = "C-SUBS1",
        [typeof(CancelJob)] = "C-CAN1",
        [typeof(RequeueJob)] = "C-REQ1",
        [typeof(PurgeJob)] = "C-PUR1",
        [typeof(GetJob)] = "Q-GET1",
        [typeof(GetPartitionStatus)] = "Q-PST1",
        [typeof(PartitionStatus)] = "R-PST1",
        [typeof(JobSubmitted)] = "R-SUB1",
        [typeof(JobsSubmitted)] = "R-SUBS1",
        [typeof(JobFound)] = "R-FOUND1",
        [typeof(JobRejected)] = "R-REJ1",
        [typeof(JobNotFound)] = "R-NF1",
        [typeof(JobConflict)] = "R-CONF1",
        [typeof(JobEventPublished)] = "N-EV1",
        [typeof(NodeStats)] = "N-STATS1",
        [typeof(ReserveJobs)] = "U-RES1",
        [typeof(ReleaseJobs)] = "U-REL1",
        [typeof(RecordTokens)] = "U-TOK1",
        [typeof(GetUsage)] = "U-GET1",
        [typeof(UsageView)] = "U-VIEW1",
        [typeof(UsageReserved)] = "U-OK1",
        [typeof(UsageOverQuota)] = "U-OVER1",
        [typeof(UsageJobsCounted)] = "UJC1",
        [typeof(UsageJobsReleased)] = "UJR1",
        [typeof(UsageTokensCounted)] = "UTC1",
        [typeof(ClaimResult)] = "D-CLAIM1",
        [typeof(ResultHit)] = "D-HIT1",
        [typeof(ResultClaimed)] = "D-RUN1",
        [typeof(ResultReady)] = "D-READY1",
        [typeof(ResultAbandoned)] = "D-ABAN1",
        [typeof(LiveJobsQuery)] = "Q-LIVE1",
        [typeof(LiveJobsFound)] = "R-LIVE1",
        // schedules (recurring jobs)
        [typeof(PutSchedule)] = "S-PUT1",
        [typeof(GetSchedule)] = "S-GET1",
        [typeof(ListSchedules)] = "S-LIST1",
        [typeof(ListGroupSchedules)] = "S-LISTG1",
        [typeof(PauseSchedule)] = "S-PAUSE1",
        [typeof(ResumeSchedule)] = "S-RESUME1",
        [typeof(DeleteSchedule)] = "S-DEL1",
        [typeof(ScheduleView)] = "S-VIEW1",
        [typeof(ScheduleSaved)] = "S-SAVED1",
        [typeof(ScheduleFound)] = "S-FOUND1",
        [typeof(ScheduleNotFound)] = "S-NF1",
        [typeof(ScheduleList)] = "S-LISTED1",
        [typeof(ScheduleRefused)] = "S-REF1",
        [typeof(ScheduleDefined)] = "SD1",
        [typeof(SchedulePaused)] = "SP1",
        [typeof(ScheduleResumed)] = "SR1",
        [typeof(ScheduleRemoved)] = "SX1",
        [typeof(ScheduleTicked)] = "ST1",
        [typeof(ScheduleGroupSnapshot)] = "SGS1",
        [typeof(PauseQueue)] = "QS-PAUSE1",
        [typeof(ResumeQueue)] = "QS-RESUME1",
        [typeof(GetQueueSwitches)] = "QS-GET1",
        [typeof(ConfirmQueueSwitches)] = "QS-CONFIRM1",
        [typeof(QueueSwitches)] = "QS1",
        [typeof(QueuePaused)] = "QP1",
        [typeof(QueueResumed)] = "QR1",
        [typeof(SetLimit)] = "L-SET1",
        [typeof(ClearLimit)] = "L-CLEAR1",
        [typeof(GetLimit)] = "L-GET1",
        [typeof(LimitStatus)] = "L-STATUS1",
        [typeof(AcquireLease)] = "L-ACQ1",
        [typeof(LeaseGranted)] = "L-GRANT1",
        [typeof(NotLimited)] = "L-NONE1",
        [typeof(LeaseQueued)] = "L-QUEUED1",
        [typeof(ReleaseLease)] = "L-REL1",
        [typeof(RenewLeases)] = "L-RENEW1",
        [typeof(LimitDefined)] = "LD1",
        [typeof(LimitCleared)] = "LC1",
        [typeof(AddLimitKey)] = "LI-ADD1",
        [typeof(RemoveLimitKey)] = "LI-REM1",
        [typeof(ListLimitKeys)] = "LI-LIST1",
        [typeof(LimitKeyList)] = "LI-KEYS1",
        [typeof(LimitIndexFull)] = "LI-FULL1",
        [typeof(LimitKeyAdded)] = "LIA1",
        [typeof(LimitKeyRemoved)] = "LIR1",
    }.ToFrozenDictionary();

    private static readonly FrozenDictionary<string, Type> TypeByManifest =
        ManifestByType.ToFrozenDictionary(kv => kv.Value, kv => kv.Key);

    public JobsSerializer(ExtendedActorSystem system) : base(system)
    {
    }

    public override int Identifier => SerializerId;

    public static IReadOnlyDictionary<Type, string> Manifests => ManifestByType;

    public static string ManifestOf(object o) =>
        ManifestByType.TryGetValue(o.GetType(), out var m)
            ? m
            : throw new ArgumentException($"{o.GetType()} has no manifest in {nameof(JobsSerializer)}");

    public static Type TypeOf(string manifest) =>
        TypeByManifest.TryGetValue(manifest, out var type)
            ? type
            : throw new SerializationException($"Unknown manifest '{manifest}' for {nameof(JobsSerializer)}");

    public override byte[] ToBinary(object obj) => JsonSerializer.SerializeToUtf8Bytes(obj, obj.GetType(), Options);

    public override object FromBinary(byte[] bytes, string manifest)
    {
        return JsonSerializer.Deserialize(bytes, TypeOf(manifest), Options)
               ?? throw new SerializationException($"Manifest '{manifest}' deserialized to null");
    }

    public override string Manifest(object o) => ManifestOf(o);

    private static JsonSerializerOptions CreateOptions()
    {
        var o = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        };
        o.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
        o.MakeReadOnly(populateMissingResolver: true);
        return o;
    }
}
