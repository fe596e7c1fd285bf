using Spectre.Console.Cli;

namespace Jobs.Cli;

/// <summary>
/// jobctl's commands (pbm's grammar): each group a branch, each command a leaf with its settings. The
/// global options belong to every command (their settings derive from <see cref="GlobalSettings"/>), not
/// to the groups: a group's options must come right after the group's name, while a command's options
/// may stand anywhere after the command's name.
/// </summary>
internal static class Grammar
{
    public static void Configure(IConfigurator app)
    {
        app.AddBranch("cluster", cluster =>
        {
            cluster.SetDescription("Cluster membership and sharding");
            cluster.AddCommand<ClusterShowCommand>("show").WithDescription("The members, their status and the leader");
            cluster.AddCommand<ClusterLeaderCommand>("leader").WithDescription("The leader's address");
            cluster.AddCommand<ClusterUnreachableCommand>("unreachable").WithDescription("The members this node cannot reach");
            cluster.AddCommand<ClusterLeaveCommand>("leave").WithDescription("Ask a member to leave the cluster gracefully");
            cluster.AddCommand<ClusterDownCommand>("down").WithDescription("Mark a member down: it is removed from the cluster");
            cluster.AddCommand<ClusterDownUnreachableCommand>("down-unreachable").WithDescription("Mark every unreachable member down");
            cluster.AddBranch("sharding", sharding =>
            {
                sharding.SetDescription("Shard regions and where their shards live");
                sharding.AddCommand<ShardingRegionsCommand>("regions").WithDescription("The shard regions");
                sharding.AddCommand<ShardingRegionStatsCommand>("region-stats").WithDescription("A region's shards and entities per node")
                    .WithExample("cluster", "sharding", "region-stats", "partitions");
            });
        });
        app.AddBranch("actor", actor =>
        {
            actor.SetDescription("The node's actors");
            actor.AddCommand<ActorHierarchyCommand>("hierarchy").WithDescription("The node's actor tree");
        });
        app.AddCommand<NodesCommand>("nodes").WithDescription("Every node's load, counters, memory and heartbeat");
        app.AddBranch("jobs", jobs =>
        {
            jobs.SetDescription("Submit, inspect, follow and cancel jobs");
            jobs.AddCommand<JobsSubmitCommand>("submit").WithDescription("Submit a job")
                .WithExample("jobs", "submit", "script", "--payload", """'{"code":"6 * 7"}'""", "--wait");
            jobs.AddCommand<JobsShowCommand>("show").WithDescription("A job: status, result or error, history");
            jobs.AddCommand<JobsCancelCommand>("cancel").WithDescription("Cancel a job");
            jobs.AddCommand<JobsWaitCommand>("wait").WithDescription("Wait until a job ends; exit 1 unless it completed");
            jobs.AddCommand<JobsTailCommand>("tail").WithDescription("Follow a job's events and progress until it ends");
            jobs.AddCommand<JobsListCommand>("list").WithDescription("Jobs, newest first")
                .WithExample("jobs", "list", "--status", "failed", "--limit", "50");
        });
        app.AddBranch("dlq", dlq =>
        {
            dlq.SetDescription("The dead-letter queue: jobs that gave up");
            dlq.AddCommand<DlqListCommand>("list").WithDescription("Dead-lettered jobs and their errors");
            dlq.AddCommand<DlqRequeueCommand>("requeue").WithDescription("Run a dead-lettered job (or --all of them) again")
                .WithExample("dlq", "requeue", "--all");
            dlq.AddCommand<DlqPurgeCommand>("purge").WithDescription("Delete a dead-lettered job");
        });
        app.AddBranch("batches", batches =>
        {
            batches.SetDescription("Batches of jobs");
            batches.AddCommand<BatchesShowCommand>("show").WithDescription("A batch's progress and counts");
        });
        app.AddBranch("queues", queues =>
        {
            queues.SetDescription("Queues: pending and running jobs, pause and resume (admin)");
            queues.AddCommand<QueuesListCommand>("list").WithDescription("Each queue: pending, running, paused");
            queues.AddCommand<QueuesPauseCommand>("pause").WithDescription("Start none of a queue's jobs on any node (they are still accepted)")
                .WithExample("queues", "pause", "gpu");
            queues.AddCommand<QueuesResumeCommand>("resume").WithDescription("Start a queue's jobs again");
        });
        app.AddBranch("limits", limits =>
        {
            limits.SetDescription("Limits per key: concurrency, rate, LLM tokens per minute, cluster-wide (admin)");
            limits.AddCommand<LimitsListCommand>("list").WithDescription("Every key with limits: limits, leases held, waiting");
            limits.AddCommand<LimitsSetCommand>("set").WithDescription("Set (or replace) a key's limits")
                .WithExample("limits", "set", "openai", "--concurrency", "4", "--tokens-per-minute", "90000");
            limits.AddCommand<LimitsDeleteCommand>("delete").WithDescription("Remove a key's limits");
        });
        app.AddBranch("schedules", schedules =>
        {
            schedules.SetDescription("Recurring jobs: a cron and the job each tick submits");
            schedules.AddCommand<SchedulesListCommand>("list").WithDescription("The tenant's schedules");
            schedules.AddCommand<SchedulesShowCommand>("show").WithDescription("A schedule: cron, job, next and last run");
            schedules.AddCommand<SchedulesCreateCommand>("create").WithDescription("Create a schedule, or replace the one with the same id")
                .WithExample("schedules", "create", "nightly", "'30 2 * * *'", "noop", "--time-zone", "Europe/Berlin");
            schedules.AddCommand<SchedulesPauseCommand>("pause").WithDescription("Stop a schedule's ticks");
            schedules.AddCommand<SchedulesResumeCommand>("resume").WithDescription("Fire a schedule's ticks again, from now on");
            schedules.AddCommand<SchedulesDeleteCommand>("delete").WithDescription("Delete a schedule (its jobs stay)");
        });
    }
}
