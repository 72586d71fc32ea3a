package demo

// The text of the demo history: what customers of a DevOps platform
// ("Shipyard": CI pipelines and runners, a container registry, SSO, a
// self-managed and a SaaS edition) write to its technical support, and what
// the support engineers answer. Templates take {placeholders} filled per
// ticket (see vars); a topic's texts belong together (the fix answers the
// question the description asked).

// Topic is one kind of support request.
type Topic struct {
	Key    string
	Tags   []string   // ticket tags (product areas)
	Weight float64    // relative frequency
	Type   string     // question, incident, problem or task
	Prio   [4]float64 // weights of low, normal, high, urgent
	// SelfManagedOnly topics are not filed by SaaS customers.
	SelfManagedOnly bool
	Subjects        []string
	Bodies          []string // the description
	Ask             []string // the engineer asks for details (then pending)
	Info            []string // the customer's answer
	Work            []string // a public update while investigating
	Notes           []string // internal notes; Notes[i], when there, is the diagnosis behind Fixes[i]
	Fixes           []string // the answer that solves it
}

// Topics are the requests of the demo desk.
var Topics = []Topic{
	{
		Key: "pipelines_stuck", Tags: []string{"ci", "pipelines"}, Weight: 1.5, Type: "incident", Prio: [4]float64{0.05, 0.45, 0.4, 0.1},
		Subjects: []string{"Pipelines stuck in pending since this morning", "All jobs in {project} stay pending", "CI jobs are not picked up by our runners", "Pipeline #{pipeline} never starts"},
		Bodies: []string{
			"Since about {hour} today every pipeline in {project} stays in \"pending\". The runners show as online in the admin area, but no job gets picked up. Nothing changed on our side as far as we know. {count} developers are blocked.",
			"Jobs sit in the queue with \"This job is stuck because the project doesn't have any runners online assigned to it\", yet the runner page lists {count} online runners with the tag {tag}. Pipeline #{pipeline} is an example.",
			"Our merge request pipelines are not starting at all. Branch pipelines work, MR pipelines stay pending forever. Example: !{mr} in {project}.",
		},
		Ask: []string{
			"Could you send us the runner's config.toml (with the token removed) and the output of \"shipyard-runner verify\" from one of the runner hosts? A screenshot of the job's sidebar showing its tags would help too.",
			"To narrow this down, please share the full job log of one stuck job and tell us whether the runners are shared, group or project runners.",
		},
		Info: []string{
			"Here is the config.toml and the verify output. The runner says it is alive and valid. The job requires the tags {tag} and docker.",
			"Attached the job log. They are group runners, registered last week with the new authentication token workflow.",
			"The runners are project runners. I noticed the \"Run untagged jobs\" box is unchecked, could that be it?",
		},
		Work: []string{"Thanks, I can see the jobs waiting in the queue on our side as well. I'm checking the runner's request logs now and will get back to you within the hour."},
		Notes: []string{
			"Runner requests reach us but return 204: the job tags don't match the runner tags ({tag} vs {tag}-large).",
			"Checked Kibana for {org}: the runners are marked protected, so jobs of MR pipelines on unprotected branches are never handed to them.",
		},
		Fixes: []string{
			"The jobs ask for the tag {tag}, but the runners were registered with {tag}-large, so no runner is allowed to pick them up. Either add {tag} to the runner's tags in Settings > CI/CD > Runners or enable \"Run untagged jobs\" and remove the tag from the job. After the change the queued jobs start within a few seconds.",
			"MR pipelines need \"Protected\" runners to be allowed on unprotected branches too: the runners are marked protected, so they only take jobs from protected branches. Unchecking \"Protected\" on the runners (or protecting the source branches) lets the MR pipelines start.",
		},
	},
	{
		Key: "ci_config", Tags: []string{"ci", "yaml"}, Weight: 1.2, Type: "question", Prio: [4]float64{0.35, 0.55, 0.1, 0},
		Subjects: []string{"rules:changes does not work with include", "How to share CI templates across {count} projects?", "Question about needs: and stages", "Variables from include: are not expanded"},
		Bodies: []string{
			"We moved our CI configuration into a central project and include it with include:project. Since then rules:changes always evaluates to true and every job runs on every commit. Is this expected?",
			"We have {count} microservice projects with almost the same .shipyard-ci.yml. What is the recommended way to share the configuration so we can update it in one place, and pin versions?",
			"A job with needs: [build] starts before the test stage has finished, although it is in the deploy stage. We expected stages to still be respected. Can you explain how needs and stages interact?",
		},
		Ask:  []string{"Could you paste the relevant part of your .shipyard-ci.yml (the include and the job with the rules) and a link to a pipeline where a job ran that you expected to be skipped?"},
		Info: []string{"Here is the snippet, the job is called deploy-docs. Example pipeline: #{pipeline}.", "Pasted below. We use include:project with ref: main."},
		Work: []string{"Thanks for the details. I'm reproducing this on a test project with the same include structure and will follow up shortly."},
		Notes: []string{
			"Known behaviour: rules:changes compares against the previous commit on push pipelines, and is always true for new branches. Will explain and suggest compare_to.",
		},
		Fixes: []string{
			"This is expected: for the first pipeline on a new branch there is no previous commit to compare with, so rules:changes is always true. Add compare_to: 'refs/heads/main' to the rule so the changes are computed against the default branch. Includes behave like local configuration here, so nothing else needs to change.",
			"The recommended pattern is a templates project with CI components or plain includes, referenced with include:project and a ref pinned to a tag (for example ref: v1.4.0). Teams then upgrade by bumping the tag. I've put two links to the documentation below, including how to version components.",
			"needs: creates a directed graph that ignores stages: a job starts as soon as the jobs it needs have finished. If deploy must wait for the tests, list the test jobs in needs too, or drop needs and rely on stages alone.",
		},
	},
	{
		Key: "runner_oom", Tags: []string{"runner", "kubernetes"}, Weight: 1.1, Type: "incident", Prio: [4]float64{0.05, 0.5, 0.4, 0.05},
		Subjects: []string{"Jobs killed with exit code 137 on the Kubernetes executor", "Build jobs fail randomly with OOMKilled", "Runner pods evicted during {job}"},
		Bodies: []string{
			"Since we upgraded the runner to {runner_version}, about one in five {job} jobs fails with \"ERROR: Job failed: command terminated with exit code 137\". Nothing changed in the jobs. We run the Kubernetes executor on {k8s}.",
			"Our build pods get OOMKilled although the node has plenty of free memory. The job log just stops in the middle of the compilation step. Pipeline #{pipeline} has an example.",
		},
		Ask: []string{"Exit code 137 is a SIGKILL, usually from the kernel's OOM killer. Could you share the [runners.kubernetes] section of the runner configuration and the output of \"kubectl describe pod\" for a failed job pod, if you still have it?"},
		Info: []string{
			"Here is the configuration: memory_limit = \"2Gi\", no overrides. The describe output shows Reason: OOMKilled on the build container.",
			"Describe output attached. The helper container was the one killed, not the build container.",
		},
		Notes: []string{"The build container limit is 2Gi and the Gradle daemon alone takes 1.5Gi; the upgrade enabled the new default helper limits."},
		Fixes: []string{
			"The build container is limited to 2Gi and the compilation needs more than that at its peak. Raise memory_limit in [runners.kubernetes] (4Gi is a safe start), or let jobs request more with KUBERNETES_MEMORY_LIMIT and memory_limit_overwrite_max_allowed. Also set org.gradle.jvmargs so the daemon stays below the limit.",
			"It was the helper container: {runner_version} introduced default resource limits for it. Set helper_memory_limit = \"512Mi\" (or higher) in [runners.kubernetes]; the jobs will no longer be killed during artifact upload.",
		},
	},
	{
		Key: "runner_registration", Tags: []string{"runner", "upgrade"}, Weight: 0.8, Type: "problem", Prio: [4]float64{0.1, 0.6, 0.3, 0},
		Subjects: []string{"Runner registration fails: 403 Forbidden", "Cannot register new runners after upgrade to {version}", "Registration token missing in the admin area"},
		Bodies: []string{
			"Registering a new runner fails with \"ERROR: Registering runner... failed: 403 Forbidden\". The same command worked two weeks ago. We are on {version}.",
			"After the upgrade to {version} the registration token is gone from Admin > Runners and our automation that registers runners in autoscaling groups is broken.",
		},
		Ask:  []string{"Which command do you use to register (with the token redacted) and is the setting \"Allow runner registration token\" enabled in Admin > Settings > CI/CD?"},
		Info: []string{"We use shipyard-runner register --registration-token ... The setting is unchecked, it seems the upgrade disabled it.", "It's registered through our Terraform module, which passes the registration token."},
		Fixes: []string{
			"Registration tokens are deprecated since 17.0 and disabled by default after the upgrade. The new workflow creates the runner in the UI or through the API (POST /api/v4/user/runners) and registers it with the returned authentication token. For automation, create a runner per autoscaling group once and reuse its authentication token in the configuration template.",
			"You can re-enable registration tokens temporarily with the setting \"Allow runner registration token\", but please plan the move to authentication tokens: the old workflow will be removed in 18.0.",
		},
	},
	{
		Key: "runner_autoscaling", Tags: []string{"runner", "autoscaling"}, Weight: 0.6, Type: "problem", Prio: [4]float64{0.2, 0.6, 0.2, 0},
		Subjects: []string{"Autoscaler leaves idle instances running over the weekend", "Docker autoscaler does not scale down", "Fleeting plugin creates too many instances"},
		Bodies: []string{
			"Our autoscaled runners keep {count} instances running all weekend although no jobs run. This costs us a lot. We use the docker-autoscaler executor with the AWS fleeting plugin.",
			"During peak hours the autoscaler creates far more instances than max_instances allows, and our AWS account hits its vCPU quota.",
		},
		Ask:  []string{"Could you share the [runners.autoscaler] section including the policy blocks, and the runner logs from Friday evening?"},
		Info: []string{"Config and logs attached. We have idle_count = {count} and no policy for weekends.", "Here are the logs; max_instances is 40, we saw 63 instances in the console."},
		Fixes: []string{
			"idle_count applies at all times unless a [[runners.autoscaler.policy]] block overrides it. Add a policy for the weekend (periods = [\"* * * * sat,sun\"]) with idle_count = 0 and idle_time = \"5m\"; instances will then be removed after five idle minutes.",
			"The extra instances come from a second runner process using the same instance group (the old manager was still running after the migration). Stop the old process and the autoscaler respects max_instances again.",
		},
	},
	{
		Key: "upgrade_failed", Tags: []string{"upgrade", "self-managed"}, Weight: 1.0, Type: "incident", Prio: [4]float64{0, 0.2, 0.45, 0.35}, SelfManagedOnly: true,
		Subjects: []string{"Upgrade from {prev_version} to {version} fails during database migrations", "Production down after upgrade to {version}", "Background migrations stuck after upgrade"},
		Bodies: []string{
			"We started the upgrade from {prev_version} to {version} in our maintenance window and the package installation fails at \"Running db:migrate\" with PG::DuplicateColumn. The instance is in maintenance mode, {count} users cannot work.",
			"After upgrading to {version} the web UI returns 502 for everyone. Puma keeps restarting. We need help urgently, this is our production instance.",
			"The upgrade to {version} succeeded but the admin area shows {count} background migrations as failed and the next upgrade is blocked.",
		},
		Ask: []string{
			"Please send us the output of \"shipyard-ctl tail\" for the last 10 minutes and /var/log/shipyard/reconfigure/*.log. Do you have a backup from before the upgrade?",
			"Could you upload a SOS report (shipyard-sos) from the node? It collects everything we need.",
		},
		Info: []string{
			"SOS report uploaded. We have a VM snapshot from before the upgrade.",
			"Logs attached. The failing migration is AddPartitionedIndexOnCiBuilds.",
		},
		Work: []string{"I'm going through the logs now. Please do not restore the snapshot yet; this looks recoverable and I'll send steps shortly. If you prefer a call, I can send a Zoom link."},
		Notes: []string{
			"Emergency: customer production down after upgrade. Joined a call with their DBA, the column exists from an earlier aborted upgrade attempt.",
			"Migration failed halfway because of a statement timeout; safe to re-run after raising statement_timeout for the migration user.",
		},
		Fixes: []string{
			"The migration failed because the column was left behind by an earlier aborted attempt. We removed it as agreed on the call and re-ran \"shipyard-rake db:migrate\"; it finished and the instance is out of maintenance mode. Please run the post-upgrade checks from the upgrade guide and let us know if anything looks off.",
			"The background migrations failed on a statement timeout. Retry them from Admin > Monitoring > Background migrations after setting statement_timeout to 15 minutes for the migration run (the command is in the linked doc). Once all are finished, you can continue with the next upgrade stop.",
		},
	},
	{
		Key: "upgrade_planning", Tags: []string{"upgrade", "self-managed"}, Weight: 0.7, Type: "question", Prio: [4]float64{0.6, 0.4, 0, 0}, SelfManagedOnly: true,
		Subjects: []string{"Upgrade path from {prev_version} to {version}", "Can we skip versions when upgrading?", "Zero-downtime upgrade for our 3-node setup"},
		Bodies: []string{
			"We are on {prev_version} and want to go to {version} next month. Which required stops do we need, and roughly how long will each take with a 400 GB database?",
			"We run a multi-node installation (3 Rails nodes, Patroni, Praefect). Is a zero-downtime upgrade to {version} supported for us?",
		},
		Fixes: []string{
			"From {prev_version} the required stops are the last patch of each listed minor version; the upgrade path tool in the docs gives the exact list. With a 400 GB database plan about 30-60 minutes per stop, mostly for background migrations; wait for them to finish before the next stop.",
			"Yes, zero-downtime upgrades are supported for your architecture as long as you upgrade one minor version at a time. Upgrade the Gitaly/Praefect nodes first, then the Rails nodes one by one, and run the post-deployment migrations at the end. I'd recommend a dry run on your staging copy.",
		},
	},
	{
		Key: "sso_saml", Tags: []string{"sso", "saml"}, Weight: 1.0, Type: "incident", Prio: [4]float64{0.05, 0.35, 0.45, 0.15},
		Subjects: []string{"SAML login loops back to the sign-in page", "SSO broken after rotating the {idp} certificate", "Users get \"Extern UID has already been taken\""},
		Bodies: []string{
			"Since this morning our users cannot sign in with SSO. They authenticate at {idp} and are sent back to the Shipyard sign-in page without an error. Password sign-in is disabled for non-admins, so nobody can work.",
			"We rotated the signing certificate in {idp} yesterday and updated the fingerprint in Shipyard, but sign-in now fails with \"Fingerprint mismatch\".",
			"{count} users who were re-created in {idp} get \"Extern UID has already been taken\" when they sign in.",
		},
		Ask:   []string{"Could you capture a SAML response with a browser extension (SAML tracer) for a failing sign-in and send it to us? Please remove anything sensitive you do not want to share; we need the NameID, the attributes and the certificate."},
		Info:  []string{"SAML tracer output attached.", "Here is the response. The NameID format looks like persistent now, it used to be emailAddress."},
		Notes: []string{"NameID changed from email to a persistent ID when they migrated the {idp} app; every user now looks new to us.", "Fingerprint in the config is SHA-1 of the old cert; the new cert is SHA-256 only."},
		Fixes: []string{
			"The NameID changed format when the {idp} application was migrated: it is now a persistent identifier instead of the email address, so Shipyard cannot match existing identities. Switch the NameID format back to emailAddress in {idp} (or update the extern UIDs through the API; I've attached a script that does it for all users).",
			"The new certificate is only published with a SHA-256 fingerprint; set idp_cert_fingerprint_algorithm to SHA-256 along with the new fingerprint and reconfigure. Sign-ins work again right after that.",
		},
	},
	{
		Key: "scim", Tags: []string{"sso", "scim"}, Weight: 0.5, Type: "problem", Prio: [4]float64{0.3, 0.55, 0.15, 0},
		Subjects: []string{"SCIM does not deprovision removed users", "SCIM provisioning returns 409 for new users"},
		Bodies: []string{
			"When we remove a user from the Shipyard app in {idp}, the user stays active in our group and keeps a seat. SCIM provisioning is enabled and new users are created fine.",
			"New hires are not provisioned anymore: {idp} shows \"409 Conflict\" for every new user since last week.",
		},
		Ask:  []string{"Could you send the provisioning logs from {idp} for one affected user and the user's email address?"},
		Info: []string{"Attached the {idp} provisioning log, the user is j.doe@{domain}.", "Here are the logs for two users."},
		Fixes: []string{
			"{idp} sends a PATCH with active=false when a user is unassigned, which removes the user from the group but keeps the account (it may belong to other groups). The seat is released at the next billing sync. To remove the account entirely, enable \"Deprovision users\" in the SAML settings.",
			"The 409 comes from an existing account with the same email that was created manually before SCIM was enabled. Link the identity (or delete the manual account) and {idp} will provision the user on its next cycle.",
		},
	},
	{
		Key: "ldap_sync", Tags: []string{"ldap", "self-managed"}, Weight: 0.5, Type: "problem", Prio: [4]float64{0.25, 0.6, 0.15, 0}, SelfManagedOnly: true,
		Subjects: []string{"LDAP group sync no longer updates permissions", "LDAP users blocked after AD migration"},
		Bodies: []string{
			"Users added to our AD group are not getting access to the mapped Shipyard group anymore. The sync worker seems to run, but nothing changes.",
			"After migrating to a new AD forest, {count} users were blocked with \"LDAP account is blocked\" even though they can sign in to Windows.",
		},
		Ask:  []string{"Please run \"shipyard-rake shipyard:ldap:check\" and send us the output, together with the ldap_servers section of the configuration (without the bind password)."},
		Info: []string{"Output attached. The check lists the users but the group filter returns 0 entries.", "Attached. The base DN changed with the migration."},
		Fixes: []string{
			"The group base points to the old OU: the check finds the users but 0 groups. Update group_base to the new OU and run the group sync once by hand (the command is in the linked doc); permissions update right away.",
			"The users' DNs changed with the forest migration, so Shipyard cannot find them under the old base and blocks them. Update base (and uid if needed), reconfigure, and unblock the users with the LDAP check task; they keep their projects and history.",
		},
	},
	{
		Key: "billing_invoice", Tags: []string{"billing"}, Weight: 0.9, Type: "task", Prio: [4]float64{0.45, 0.5, 0.05, 0},
		Subjects: []string{"Invoice {invoice} charges {seats} seats, we have fewer", "Please update the billing contact", "Question about our quarterly reconciliation", "Need a W-9 and updated VAT number on invoices"},
		Bodies: []string{
			"Our latest invoice {invoice} lists {seats} seats, but we only have {count} active users. Could you check how the seats were counted and correct the invoice?",
			"Our finance team changed: please replace the billing contact with our new controller and resend invoice {invoice}.",
			"We received a quarterly reconciliation invoice for {count} additional seats. Can you explain how the maximum user count was calculated?",
		},
		Ask:   []string{"Thanks for reaching out. To check this we need the subscription name (visible in the Customers Portal) and, if possible, a CSV export of your active users from Admin > Users."},
		Info:  []string{"Subscription A-S000{count}, export attached.", "Here is the export. Note that bots and blocked users are included in it."},
		Notes: []string{"Billable users include {count} guest users on a premium plan; the reconciliation is correct. Forwarded to billing ops for the contact change."},
		Fixes: []string{
			"The invoice counted guest users, who are billable on the premium plan (they are free on ultimate only). Billing has reviewed it: the count is correct, but they removed the {count} blocked bots from the reconciliation and will send a corrected invoice within two business days.",
			"Done: the billing contact is updated and invoice {invoice} was re-sent to the new address. Future invoices will go there as well.",
			"The reconciliation uses the highest number of billable users during the quarter, which was reached on {date}. I've attached the daily counts so your finance team can verify it.",
		},
	},
	{
		Key: "license", Tags: []string{"billing", "license", "self-managed"}, Weight: 0.6, Type: "incident", Prio: [4]float64{0.1, 0.35, 0.35, 0.2}, SelfManagedOnly: true,
		Subjects: []string{"New license file is not accepted", "Instance downgraded to Free after license renewal", "Activation code fails in an offline environment"},
		Bodies: []string{
			"We renewed last week and uploaded the new license, but Shipyard says \"This license has already expired\". Our old license ends on Friday.",
			"This morning our instance shows Free features only, protected environments and approvals are gone. We renewed {count} days ago.",
			"Our instance has no internet access, so the activation code does not work. How do we activate the renewal?",
		},
		Ask:  []string{"Could you send a screenshot of Admin > Subscription and the subscription name from the Customers Portal?"},
		Info: []string{"Screenshot attached, subscription A-S000{count}.", "Here you go."},
		Fixes: []string{
			"The license that was sent starts today in UTC but ends the same day, because the renewal was booked with the wrong term. We issued a corrected license and emailed it to the subscription contact; upload it under Admin > Subscription and the paid features come back immediately.",
			"For offline instances we generate a license file instead of using an activation code. It's attached to this ticket: upload it under Admin > Subscription > Upload license file.",
		},
	},
	{
		Key: "api_errors", Tags: []string{"api"}, Weight: 1.0, Type: "incident", Prio: [4]float64{0.1, 0.5, 0.35, 0.05},
		Subjects: []string{"API returns 500 on {endpoint}", "Intermittent 502 from the API during deployments", "GraphQL query times out for large groups"},
		Bodies: []string{
			"Calls to {endpoint} return HTTP 500 for some projects (for example {project}), other projects work. This breaks our release tooling. Correlation ID from one failed call: {corr}.",
			"Our deployment scripts call the API in a loop and get about 2% 502 Bad Gateway responses, always while our instance is under load.",
			"A GraphQL query listing vulnerabilities for our top-level group times out after 60 seconds since the group grew past {count} projects.",
		},
		Ask:   []string{"Thanks for the correlation ID. Could you tell us the exact request (method, path, parameters) and how often it happens? If it's self-managed, the production_json.log lines for that correlation ID would help."},
		Info:  []string{"It's GET with per_page=100 and order_by=updated_at. Happens every time for {project}.", "Logs attached, the error is a statement timeout."},
		Notes: []string{"Statement timeout on the pipelines query for projects with > 1M pipelines; known performance issue {issue}.", "The 502s line up with Puma worker restarts during their deploys (correlation IDs checked)."},
		Fixes: []string{
			"The 500 is a database statement timeout: sorting by updated_at over all pipelines of a project with more than a million pipelines is too slow. Use order_by=id (the default) with keyset pagination (pagination=keyset); it answers in milliseconds. The slow path is tracked in {issue}.",
			"The 502s happen when Puma workers restart during your deploys. Add retries with backoff for 502/503 in your scripts (the API is idempotent for GETs) and consider raising the number of workers; after your change the error rate went to zero in our logs.",
		},
	},
	{
		Key: "api_rate_limit", Tags: []string{"api", "rate-limits"}, Weight: 0.6, Type: "question", Prio: [4]float64{0.25, 0.6, 0.15, 0},
		Subjects: []string{"429 Too Many Requests from the API in CI", "What are the API rate limits on SaaS?"},
		Bodies: []string{
			"Our CI jobs that clone dependencies get \"429 Too Many Requests\" several times a day. We did not change anything. What are the limits and how can we avoid them?",
			"We are planning a migration tool that will call the API heavily. What are the rate limits for authenticated users and can they be raised for a weekend?",
		},
		Fixes: []string{
			"Authenticated API traffic is limited to 2,000 requests per minute per user on SaaS; your jobs all use the same project access token, so they share one budget. Use the CI_JOB_TOKEN in jobs (each job has its own budget) and cache dependencies between jobs to cut the traffic.",
			"The limits are published on the rate limits page. For a one-off migration we can raise them temporarily: reply with the date and the user or token, and we'll schedule it with the SaaS operations team.",
		},
	},
	{
		Key: "webhooks", Tags: []string{"webhooks", "integrations"}, Weight: 0.6, Type: "problem", Prio: [4]float64{0.25, 0.55, 0.2, 0},
		Subjects: []string{"Webhooks disabled automatically", "Push webhooks arrive minutes late", "Jira integration stopped linking commits"},
		Bodies: []string{
			"Our project webhooks to Jenkins were disabled automatically and now show \"Failed to connect\". The endpoint works when we test it with curl.",
			"Push events reach our webhook receiver with a delay of 5-10 minutes since yesterday, which slows down our deployments.",
			"Commits that mention Jira keys are no longer linked in Jira. The integration test button says \"Connection successful\".",
		},
		Ask:  []string{"Could you send the recent events from the webhook's settings page (Edit > Recent events), including the response code and the error message?"},
		Info: []string{"Screenshot attached. They show 'execution expired' after 10 seconds.", "Recent events attached, all 200 but delivered late."},
		Fixes: []string{
			"Webhooks are disabled after repeated failures, and your endpoint takes more than 10 seconds to answer when Jenkins is busy, which counts as a failure. Make the receiver acknowledge immediately and queue the work; then re-enable the hook with the Test button.",
			"The delay came from a backlog in our webhook workers after an incident on {date}; it has been processed and deliveries are back to a few seconds. Sorry for the trouble; the incident report is linked on our status page.",
		},
	},
	{
		Key: "registry", Tags: []string{"registry", "containers"}, Weight: 0.9, Type: "problem", Prio: [4]float64{0.15, 0.5, 0.3, 0.05},
		Subjects: []string{"docker push fails with \"unauthorized: authentication required\"", "Container registry cleanup policy does not delete tags", "Registry storage full on our instance"},
		Bodies: []string{
			"Pushing images from CI fails with \"denied: requested access to the resource is denied\" / \"unauthorized: authentication required\". Pulling works. We log in with CI_REGISTRY_USER and CI_REGISTRY_PASSWORD.",
			"We enabled a cleanup policy to keep the 10 most recent tags, but the registry of {project} still has {count} tags and storage keeps growing.",
			"Our object storage bucket for the registry grew to {count} GB. Deleting tags in the UI does not free any space.",
		},
		Ask:  []string{"Could you share the job log with the failing push, and tell us whether the project is in a group with IP restrictions or uses a custom registry domain?"},
		Info: []string{"Job log attached. Yes, we use registry.{domain}.", "No IP restrictions. Log attached."},
		Fixes: []string{
			"The job token can push only to the project's own registry. Your job pushes to another project's path, so it needs a deploy token with write_registry for that project, or that project must allow your project in its CI/CD job token allowlist.",
			"Cleanup policies only run on tags that match the regex and are older than the cutoff; your regex '.*-rc' did not match the tags built from branches. Changing it to '.*' with keep_n = 10 cleaned up the tags at the next run.",
			"Deleting tags only removes references; space is freed by garbage collection. Run \"shipyard-ctl registry-garbage-collect -m\" in a maintenance window (it puts the registry in read-only mode), or enable online garbage collection with the metadata database.",
		},
	},
	{
		Key: "performance", Tags: []string{"performance", "self-managed"}, Weight: 0.7, Type: "incident", Prio: [4]float64{0.05, 0.35, 0.45, 0.15}, SelfManagedOnly: true,
		Subjects: []string{"Web UI very slow after upgrade to {version}", "Merge request pages take 30 seconds to load", "High CPU on the database server"},
		Bodies: []string{
			"Since the upgrade to {version} every page takes 5-10 seconds to load, merge request diffs sometimes time out. The server has 16 cores and 64 GB RAM and serves {count} users.",
			"Our PostgreSQL server sits at 100% CPU during office hours. It started after we imported a large monorepo.",
		},
		Ask:   []string{"Please run the performance bar on a slow page (press p b) and send us a screenshot, plus the output of \"shipyard-rake db:top_queries\" if available."},
		Info:  []string{"Screenshots attached, the SQL part is 8 seconds.", "Top queries attached. The first one runs 40,000 times a minute."},
		Notes: []string{"Autovacuum never finished on ci_builds_metadata; table bloat 400%. Sent manual VACUUM steps."},
		Fixes: []string{
			"The slow queries come from table bloat on ci_builds_metadata: autovacuum could not keep up during the upgrade's background migrations. Run the VACUUM steps I sent (about 20 minutes, no downtime) and add the autovacuum settings from the reference architecture; after that the pages should load in under a second.",
			"The repeated query is the mergeability check of open MRs in the new monorepo, which has {count} open MRs. Upgrading to {version} patch 3 contains the fix; until then, the feature flag I mentioned reduces the load to normal levels.",
		},
	},
	{
		Key: "saas_outage", Tags: []string{"saas", "outage"}, Weight: 0.4, Type: "incident", Prio: [4]float64{0, 0.1, 0.3, 0.6},
		Subjects: []string{"All our pipelines fail with \"Error cleaning up pod\"", "Shipyard SaaS returns 503 for our group", "Cannot push to any repository"},
		Bodies: []string{
			"Every job on the shared runners fails since {hour} UTC with \"ERROR: Error cleaning up pod\". Production deployments are blocked. Is there an incident?",
			"We get 503 errors on every page of our group and git push fails with \"The remote end hung up unexpectedly\". Nothing on the status page yet.",
		},
		Work:  []string{"Thanks for reporting this. Our SaaS operations team is investigating an incident affecting shared runners; you can follow it on the status page. I'll update this ticket as soon as it is resolved."},
		Notes: []string{"Linked to the ongoing incident {issue}; several customers affected. Keep them updated every hour."},
		Fixes: []string{
			"The incident is resolved: a faulty node pool update on the shared runner fleet made pod cleanup fail. Jobs have been running normally since {hour} UTC. Please retry the failed pipelines; the full incident review will be published on the status page.",
			"Service was restored at {hour} UTC. The cause was a configuration change on our load balancers that affected a subset of namespaces including yours. We're sorry for the disruption.",
		},
	},
	{
		Key: "backup", Tags: []string{"backup", "self-managed"}, Weight: 0.5, Type: "problem", Prio: [4]float64{0.2, 0.5, 0.25, 0.05}, SelfManagedOnly: true,
		Subjects: []string{"Backup task fails: \"file changed as we read it\"", "Restore to a new server fails with missing secrets", "Backups take 9 hours"},
		Bodies: []string{
			"Our nightly backup fails with \"tar: /var/opt/shipyard/.../uploads: file changed as we read it\" and exits with status 1.",
			"We are testing our disaster recovery and the restore on a new server fails: CI variables cannot be decrypted.",
			"Our backups now take 9 hours for {count} GB of repositories and overlap with office hours.",
		},
		Ask:  []string{"Could you send the complete output of the backup command and tell us which version and installation method you use?"},
		Info: []string{"Full output attached, installed with the Linux package, version {version}.", "Attached."},
		Fixes: []string{
			"Use the STRATEGY=copy option: it copies the data first and archives the copy, so files changing during the backup no longer make tar fail.",
			"The backup doesn't include shipyard-secrets.json, which holds the key for CI variables. Copy that file from the old server (it should be in your configuration backup), reconfigure, and run the restore again.",
			"Repositories are backed up one at a time by default. Set the concurrency options (GITALY_BACKUP_CONCURRENCY and the per-storage setting) to use your 8 cores, and use incremental repository backups; the run should drop to under two hours.",
		},
	},
	{
		Key: "merge_requests", Tags: []string{"merge-requests"}, Weight: 0.8, Type: "problem", Prio: [4]float64{0.25, 0.55, 0.2, 0},
		Subjects: []string{"Merge request stuck in \"Checking if merge request can be merged\"", "Approval rules ignored after the upgrade", "Merge button missing although pipeline passed"},
		Bodies: []string{
			"!{mr} in {project} has shown \"Checking if merge request can be merged...\" for two days. Other MRs merge fine.",
			"Our protected branch requires two approvals from the Security group, but MRs can now be merged with a single approval from anyone.",
			"The pipeline for !{mr} passed, all threads are resolved, but there's no merge button, only \"Merge blocked\".",
		},
		Ask:  []string{"Could you send a screenshot of the MR widget and tell us if the MR was created from a fork?"},
		Info: []string{"Screenshot attached; not a fork.", "Yes, it's from a fork of {project}."},
		Fixes: []string{
			"The mergeability check was stuck after a Sidekiq restart. Running the check again from the Rails console (the snippet is below) unstuck it; if it happens again, a new push to the branch triggers the check too.",
			"The approval rule was defined on the project while \"Prevent editing approval rules in merge requests\" is off, so each MR carried a copy that authors edited. Enable that setting in the group and the rule applies again to all open MRs.",
			"The merge is blocked by the \"Pipelines must succeed\" setting: the latest pipeline for the merged result failed, only the branch pipeline passed. Rebasing and running the pipeline again shows the merge button.",
		},
	},
	{
		Key: "account_access", Tags: []string{"account", "2fa"}, Weight: 0.6, Type: "task", Prio: [4]float64{0.1, 0.45, 0.35, 0.1},
		Subjects: []string{"Locked out: lost our 2FA device", "Please transfer ownership of our top-level group", "Account locked after too many sign-in attempts"},
		Bodies: []string{
			"Our only group owner lost the phone with the authenticator app and the recovery codes. We need access to our group {project} back.",
			"Our former DevOps lead left the company and was the only owner of our top-level group. Can you make me the owner?",
			"My account was locked after too many failed sign-ins; the unlock email never arrives.",
		},
		Ask:   []string{"For security we need to verify ownership before changing anything. Please reply from the email address of the account and answer the verification questions in the attached form."},
		Info:  []string{"Form filled and attached, sent from the account's address.", "Done, the form is attached."},
		Notes: []string{"Verification passed (2 of 3 challenges + request from the billing contact). Approved by a second engineer as the process requires."},
		Fixes: []string{
			"Verification is complete: we disabled two-factor authentication on the account. Please sign in, set up 2FA again right away and store the new recovery codes somewhere safe (a password manager works well).",
			"Ownership of the group has been transferred to you as requested by your billing contact. The former owner's membership was downgraded to Maintainer; you can remove it.",
		},
	},
	{
		Key: "kubernetes_agent", Tags: []string{"kubernetes", "deployments"}, Weight: 0.5, Type: "problem", Prio: [4]float64{0.2, 0.55, 0.25, 0},
		Subjects: []string{"Kubernetes agent disconnected: certificate signed by unknown authority", "Deploy job cannot reach the cluster through the agent", "Agent for Kubernetes keeps restarting"},
		Bodies: []string{
			"Our agent for Kubernetes shows \"Never connected\" and its pod log says \"x509: certificate signed by unknown authority\". We use a corporate proxy.",
			"kubectl in our deploy job fails with \"error: You must be logged in to the server (Unauthorized)\" although the agent is connected and the project is authorized in its config.",
		},
		Ask:  []string{"Could you send the agent's pod logs and the agent configuration file (.shipyard/agents/<name>/config.yaml)?"},
		Info: []string{"Logs and config attached.", "Attached. The ci_access section lists the group."},
		Fixes: []string{
			"The proxy re-signs TLS traffic with your corporate CA, which the agent image doesn't trust. Mount the CA bundle into the pod and point SSL_CERT_FILE at it (the Helm chart has a value for this); the agent connects right after the restart.",
			"ci_access grants access to projects in the group, but the deploy job runs in a subgroup's project that was moved after the agent was set up. Add the subgroup (or the project) to ci_access.groups and select the agent's context in the job with kubectl config use-context.",
		},
	},
	{
		Key: "security_scanning", Tags: []string{"security", "ci"}, Weight: 0.5, Type: "question", Prio: [4]float64{0.3, 0.55, 0.15, 0},
		Subjects: []string{"SAST job fails with \"no analyzer found\"", "Dependency scanning misses our Gradle dependencies", "How do we dismiss a vulnerability for all projects?"},
		Bodies: []string{
			"After enabling the SAST template, the job fails with \"No analyzer found for this project\". The project is a Kotlin backend.",
			"Dependency scanning reports 0 dependencies for our Gradle projects, which use a version catalog.",
			"A false positive shows up in {count} projects. Is there a way to dismiss it once for the whole group?",
		},
		Fixes: []string{
			"The Kotlin analyzer only detects projects with .kt files at the top level by default; your sources are under services/. Set SAST_EXCLUDED_PATHS appropriately and SEARCH_MAX_DEPTH to 8 and the analyzer picks the project up.",
			"Version catalogs are supported from analyzer 4.2 on; the template you include pins an older major version. Remove the DS_MAJOR_VERSION override and the dependencies appear in the next pipeline.",
			"You can dismiss it in bulk from the group's vulnerability report: filter by the identifier, select all and choose \"Dismiss as false positive\". A security policy can also dismiss it automatically in future pipelines.",
		},
	},
}

// Greetings and sign-offs.
var (
	customerGreetings = []string{"Hi,", "Hello,", "Hi team,", "Hello support,", "Good morning,", "Hi there,", ""}
	customerClosings  = []string{"Thanks,\n{cust}", "Regards,\n{cust}", "Thanks in advance,\n{cust}\n{org}", "Best,\n{cust_first}", "Cheers,\n{cust_first}", "Kind regards,\n{cust}\n{org}"}
	agentGreetings    = []string{"Hi {cust_first},", "Hello {cust_first},", "Hi {cust_first}, thanks for reaching out.", "Hi {cust_first}, thanks for the details.", "Dear {cust_first},"}
	agentClosings     = []string{"Best regards,\n{agent}\nShipyard Support", "Kind regards,\n{agent}", "Thanks,\n{agent_first}", "Best,\n{agent} | Shipyard Support", "Have a good day,\n{agent_first}"}
)

// Replies that fit any topic.
var (
	genericAsk = []string{
		"Thanks for the report. Could you tell us when this started, whether anything changed in your environment around that time, and attach any error message you see?",
		"To look into this we need a bit more information: the exact error message, the version you are on, and the steps to reproduce it.",
	}
	genericInfo = []string{
		"It started on Monday, no changes on our side that we know of. Error message attached.",
		"Version {version}. Steps: open the project, run the pipeline, it fails within a minute.",
		"Sorry for the delay, here is what you asked for.",
	}
	genericWork = []string{
		"Thanks, I have everything I need for now. I'm reproducing this and will update you by tomorrow.",
		"Quick update: I can reproduce the behaviour and I'm discussing it with a colleague who knows this area well. More soon.",
	}
	genericNotes = []string{
		"Checked the logs for {org}, nothing unusual apart from the errors reported.",
		"Customer is on {tier}; keeping a close eye on this one.",
		"Reproduced on a {version} test instance.",
		"Asked in #support-escalations for a second pair of eyes.",
		"Looks like the known issue {issue}; linking it.",
		"Pairing session with a colleague planned tomorrow to go through this.",
	}
	escalationNotes = []string{
		"Escalated to engineering: {issue} (severity 2). Setting the ticket on hold until a fix is scheduled.",
		"Confirmed bug, opened {issue} with the reproduction steps. On hold while engineering works on it.",
		"Raised {issue} with the product team; the customer agreed to wait for the fix. On hold.",
	}
	holdReplies = []string{
		"Our engineering team has confirmed the bug and is working on a fix, tracked in {issue}. I'll keep this ticket on hold and update you as soon as the fix is scheduled for a release.",
		"Thanks for your patience. This is a product bug, which we've reported to engineering ({issue}). I'm putting the ticket on hold and will let you know when there's news.",
	}
	fixReleased = []string{
		"Good news: the fix for {issue} shipped in {next_version}. After upgrading, the problem should be gone; if it isn't, just reply here and the ticket reopens.",
		"The fix for {issue} has been deployed. I've checked your project and it now behaves as expected. I'm marking this as solved; reply to reopen it if anything's still wrong.",
	}
	reopenTexts = []string{
		"Unfortunately the problem is back since this morning, same error as before.",
		"The workaround helped for a day, but we now see the same thing on another project.",
		"We applied the change, but it only partly fixed it. Some jobs still fail the same way.",
	}
	reSolveTexts = []string{
		"Thanks for letting us know. The second project has the same setting, which I've now corrected together with you on the call. Both should be fine now.",
		"I looked at the new failures: they have a different cause (an expired token on the second runner). After renewing it everything passes. Marking this as solved again.",
	}
	managerNotes = []string{
		"{tier} account, please prioritise this one.",
		"Customer's account manager asked for an update by end of day.",
		"Reviewed the thread, the answer looks good to me.",
	}
	goodComments = []string{"", "", "", "Quick and precise answer, thank you {agent_first}!", "Great support as always.", "{agent_first} was very patient and thorough.", "Solved within the hour, impressive.", "Clear explanation, and the workaround works.", "Thanks for staying on this until it was fixed.", "Very helpful, thanks!"}
	badComments  = []string{
		"It took days to get a first answer while our pipelines were blocked.",
		"The suggested workaround did not work and the ticket was closed anyway.",
		"We had to explain the problem twice to different engineers.",
		"Too slow for a production issue on our plan.",
		"The answer just linked to the documentation we had already read.",
		"Still waiting for the actual fix; closing this feels premature.",
	}
)

// Values of the {placeholders}.
var (
	versions      = []string{"17.2.4", "17.3.1", "17.3.6", "17.4.2", "17.5.0", "17.5.3", "17.6.1"}
	prevVersions  = []string{"16.8.7", "16.11.8", "17.0.5", "17.1.3"}
	runnerVers    = []string{"17.3.0", "17.4.1", "17.5.2"}
	projects      = []string{"platform/api-gateway", "web/storefront", "infra/terraform-modules", "mobile/ios-app", "data/etl-jobs", "backend/payments", "tools/release-bot", "ml/feature-store"}
	jobs          = []string{"build", "unit-tests", "integration-tests", "docker-build", "compile:release", "e2e:chrome"}
	runnerTags    = []string{"linux", "docker", "k8s", "arm64", "gpu"}
	idps          = []string{"Okta", "Azure AD", "Google Workspace", "Keycloak", "OneLogin", "Ping Identity"}
	k8sVersions   = []string{"EKS 1.29", "GKE 1.30", "AKS 1.28", "OpenShift 4.14", "k3s 1.29"}
	endpoints     = []string{"GET /api/v4/projects/:id/pipelines", "GET /api/v4/groups/:id/merge_requests", "POST /api/v4/projects/:id/trigger/pipeline", "GET /api/v4/projects/:id/jobs"}
	hours         = []string{"07:40", "08:15", "09:05", "10:30", "13:20", "14:45"}
	counts        = []string{"12", "25", "40", "60", "85", "120", "300"}
	seatCounts    = []string{"150", "240", "480", "1,200"}
	dateFormatFor = "2 January"
)
