package demo

// The text of the demo history: what customers of a DevOps platform
// ("Shipyard": CI pipelines and runners, a container registry, SSO, a
// self-managed and a SaaS edition) write to its technical support, and what
// the support engineers answer. Templates take {placeholders} filled per
// ticket (see vars); a topic's texts belong together (the fix answers the
// question the description asked).

// Topic is one kind of support request: its cases share the questions an
// engineer asks and the answers customers give.
type Topic struct {
	Key    string
	Tags   []string   // ticket tags (product areas)
	Weight float64    // relative frequency
	Type   string     // question, incident, problem or task
	Prio   [4]float64 // weights of low, normal, high, urgent
	// Plan, when set, is the only support plan whose customers file the
	// topic (saas or self_managed).
	Plan  string
	Cases []Case
	Ask   []string // the engineer asks for details (then pending)
	Info  []string // the customer's answer
	Work  []string // a public update while investigating
}

// Case is one problem of a topic, from the customer's description to the
// answer that solves it.
type Case struct {
	Subjects []string
	Body     string // the description
	Note     string // the engineer's diagnosis (an internal note), may be empty
	Fix      string // the answer that solves it
}

// Topics are the requests of the demo desk.
var Topics = []Topic{
	{
		Key: "pipelines_stuck", Tags: []string{"ci", "pipelines"}, Weight: 1.5, Type: "incident", Prio: [4]float64{0.05, 0.45, 0.4, 0.1},
		Cases: []Case{
			{Subjects: []string{"Pipelines stuck in pending since this morning", "All jobs in {project} stay pending", "CI jobs are not picked up by our runners"},
				Body: "Since about {hour} today every pipeline in {project} stays in \"pending\". The runners show as online in the admin area, but no job gets picked up. Nothing changed on our side as far as we know. {count} developers are blocked.",
				Note: "Runner requests reach us but return 204: the job tags don't match the runner tags ({tag} vs {tag}-large).",
				Fix:  "The jobs ask for the tag {tag}, but the runners were registered with {tag}-large, so no runner is allowed to pick them up. Either add {tag} to the runner's tags in Settings > CI/CD > Runners or enable \"Run untagged jobs\" and remove the tag from the job. After the change the queued jobs start within a few seconds."},
			{Subjects: []string{"Pipeline #{pipeline} never starts", "Jobs stuck: \"doesn't have any runners online\""},
				Body: "Jobs sit in the queue with \"This job is stuck because the project doesn't have any runners online assigned to it\", yet the runner page lists {count} online runners with the tag {tag}. Pipeline #{pipeline} is an example.",
				Note: "The group runners are paused for this project: the project was moved to another group last week and lost access to them.",
				Fix:  "The project was moved to a new group last week, and the group runners of the old group no longer serve it. Enable the new group's runners for the project (Settings > CI/CD > Runners) or register the runners at the new group; the stuck jobs were picked up as soon as I enabled them together with you."},
			{Subjects: []string{"Merge request pipelines never start", "MR pipelines stay pending, branch pipelines work"},
				Body: "Our merge request pipelines are not starting at all. Branch pipelines work, MR pipelines stay pending forever. Example: !{mr} in {project}.",
				Note: "Checked Kibana for {org}: the runners are marked protected, so jobs of MR pipelines on unprotected branches are never handed to them.",
				Fix:  "The runners are marked \"Protected\", so they only take jobs from protected branches, and the MR pipelines run on unprotected source branches. Unchecking \"Protected\" on the runners (or protecting the source branches) lets the MR pipelines start."},
		},
		Ask: []string{
			"Could you send us the runner's config.toml (with the token removed) and the output of \"shipyard-runner verify\" from one of the runner hosts? A screenshot of the job's sidebar showing its tags would help too.",
			"To narrow this down, please share the full job log of one stuck job and tell us whether the runners are shared, group or project runners.",
		},
		Info: []string{
			"Here is the config.toml and the verify output. The runner says it is alive and valid.",
			"Attached the job log. They are group runners, registered last week with the new authentication token workflow.",
			"They are project runners. I attached a screenshot of the runner settings too.",
		},
		Work: []string{"Thanks, I can see the jobs waiting in the queue on our side as well. I'm checking the runner's request logs now and will get back to you within the hour."},
	},
	{
		Key: "ci_config", Tags: []string{"ci", "yaml"}, Weight: 1.2, Type: "question", Prio: [4]float64{0.35, 0.55, 0.1, 0},
		Cases: []Case{
			{Subjects: []string{"rules:changes does not work with include", "Every job runs on every commit since we moved to include:project"},
				Body: "We moved our CI configuration into a central project and include it with include:project. Since then rules:changes always evaluates to true and every job runs on every commit. Is this expected?",
				Note: "Known behaviour: rules:changes is always true for new branches (nothing to compare with). Will explain and suggest compare_to.",
				Fix:  "This is expected: for the first pipeline on a new branch there is no previous commit to compare with, so rules:changes is always true. Add compare_to: 'refs/heads/main' to the rule so the changes are computed against the default branch. Includes behave like local configuration here, so nothing else needs to change."},
			{Subjects: []string{"How to share CI templates across {count} projects?", "Best practice for a central CI configuration"},
				Body: "We have {count} microservice projects with almost the same .shipyard-ci.yml. What is the recommended way to share the configuration so we can update it in one place, and pin versions?",
				Fix:  "The recommended pattern is a templates project with CI components or plain includes, referenced with include:project and a ref pinned to a tag (for example ref: v1.4.0). Teams then upgrade by bumping the tag. I've put two links to the documentation below, including how to version components."},
			{Subjects: []string{"Question about needs: and stages", "Deploy job starts before the tests finish"},
				Body: "A job with needs: [build] starts before the test stage has finished, although it is in the deploy stage. We expected stages to still be respected. Can you explain how needs and stages interact?",
				Fix:  "needs: creates a directed graph that ignores stages: a job starts as soon as the jobs it needs have finished. If deploy must wait for the tests, list the test jobs in needs too, or drop needs and rely on stages alone."},
			{Subjects: []string{"Variables from include: are not expanded", "CI variable in include:remote URL not expanded"},
				Body: "We use include:remote with a URL that contains $CI_COMMIT_REF_NAME, but the pipeline fails with \"Remote file could not be fetched\" and the URL in the error still shows the variable name.",
				Fix:  "Only some predefined variables can be used in include paths, and CI_COMMIT_REF_NAME is among them, but variables defined in the project's settings are not. The URL you use contains $TEMPLATES_HOST, which is a project variable. Replace it with the literal host (or use include:project, which doesn't need a URL at all)."},
		},
		Ask:  []string{"Could you paste the relevant part of your .shipyard-ci.yml (the include and the job) and a link to a pipeline that shows the behaviour?"},
		Info: []string{"Here is the snippet, the job is called deploy-docs. Example pipeline: #{pipeline}.", "Pasted below. We use include:project with ref: main."},
		Work: []string{"Thanks for the details. I'm reproducing this on a test project with the same include structure and will follow up shortly."},
	},
	{
		Key: "runner_oom", Tags: []string{"runner", "kubernetes"}, Weight: 1.1, Type: "incident", Prio: [4]float64{0.05, 0.5, 0.4, 0.05},
		Cases: []Case{
			{Subjects: []string{"Jobs killed with exit code 137 on the Kubernetes executor", "Build jobs fail randomly with OOMKilled"},
				Body: "Since we upgraded the runner to {runner_version}, about one in five {job} jobs fails with \"ERROR: Job failed: command terminated with exit code 137\". Nothing changed in the jobs. We run the Kubernetes executor on {k8s}.",
				Note: "The build container limit is 2Gi and the Gradle daemon alone takes 1.5Gi at its peak.",
				Fix:  "The build container is limited to 2Gi and the compilation needs more than that at its peak. Raise memory_limit in [runners.kubernetes] (4Gi is a safe start), or let jobs request more with KUBERNETES_MEMORY_LIMIT and memory_limit_overwrite_max_allowed. Also set org.gradle.jvmargs so the daemon stays below the limit."},
			{Subjects: []string{"Runner pods evicted during {job}", "Artifact upload fails with OOMKilled helper container"},
				Body: "Our {job} jobs get OOMKilled at the very end, during \"Uploading artifacts\", although the node has plenty of free memory. Pipeline #{pipeline} has an example.",
				Note: "The helper container is the one killed: {runner_version} introduced default resource limits for it.",
				Fix:  "It was the helper container: {runner_version} introduced default resource limits for it, and uploading large artifacts goes past them. Set helper_memory_limit = \"512Mi\" (or higher) in [runners.kubernetes]; the jobs will no longer be killed during artifact upload."},
		},
		Ask: []string{"Exit code 137 is a SIGKILL, usually from the kernel's OOM killer. Could you share the [runners.kubernetes] section of the runner configuration and the output of \"kubectl describe pod\" for a failed job pod, if you still have it?"},
		Info: []string{
			"Here is the configuration: memory_limit = \"2Gi\", no overrides. The describe output shows Reason: OOMKilled.",
			"Describe output attached. Our configuration is the default from the Helm chart.",
		},
	},
	{
		Key: "runner_registration", Tags: []string{"runner", "upgrade"}, Weight: 0.8, Type: "problem", Prio: [4]float64{0.1, 0.6, 0.3, 0},
		Cases: []Case{
			{Subjects: []string{"Runner registration fails: 403 Forbidden", "Cannot register new runners after upgrade to {version}"},
				Body: "Registering a new runner fails with \"ERROR: Registering runner... failed: 403 Forbidden\". The same command worked two weeks ago. We are on {version}.",
				Fix:  "Registration tokens are deprecated since 17.0 and were disabled by the upgrade. The new workflow creates the runner in the UI or through the API (POST /api/v4/user/runners) and registers it with the returned authentication token. For automation, create a runner per autoscaling group once and reuse its authentication token in the configuration template."},
			{Subjects: []string{"Registration token missing in the admin area", "Our runner automation broke after the upgrade"},
				Body: "After the upgrade to {version} the registration token is gone from Admin > Runners and our Terraform automation that registers runners in autoscaling groups is broken. We need a quick fix today.",
				Fix:  "You can re-enable registration tokens temporarily with the setting \"Allow runner registration token\" in Admin > Settings > CI/CD, which gets your automation working today. Please plan the move to authentication tokens though: the old workflow will be removed in 18.0. I've linked the migration guide for the Terraform module."},
		},
		Ask:  []string{"Which command do you use to register (with the token redacted) and is the setting \"Allow runner registration token\" enabled in Admin > Settings > CI/CD?"},
		Info: []string{"We use shipyard-runner register --registration-token ... The setting is unchecked, it seems the upgrade disabled it.", "It's registered through our Terraform module, which passes the registration token."},
	},
	{
		Key: "runner_autoscaling", Tags: []string{"runner", "autoscaling"}, Weight: 0.6, Type: "problem", Prio: [4]float64{0.2, 0.6, 0.2, 0},
		Cases: []Case{
			{Subjects: []string{"Autoscaler leaves idle instances running over the weekend", "Docker autoscaler does not scale down"},
				Body: "Our autoscaled runners keep {count} instances running all weekend although no jobs run. This costs us a lot. We use the docker-autoscaler executor with the AWS fleeting plugin.",
				Note: "idle_count = {count} with no policy block: the idle instances are kept around the clock as configured.",
				Fix:  "idle_count applies at all times unless a [[runners.autoscaler.policy]] block overrides it. Add a policy for the weekend (periods = [\"* * * * sat,sun\"]) with idle_count = 0 and idle_time = \"5m\"; instances will then be removed after five idle minutes."},
			{Subjects: []string{"Fleeting plugin creates too many instances", "Autoscaler ignores max_instances"},
				Body: "During peak hours the autoscaler creates far more instances than max_instances allows, and our AWS account hits its vCPU quota.",
				Note: "Two runner managers share the instance group: the old one still runs after their migration.",
				Fix:  "The extra instances come from a second runner process using the same instance group (the old manager was still running after the migration). Stop the old process and the autoscaler respects max_instances again."},
		},
		Ask:  []string{"Could you share the [runners.autoscaler] section including the policy blocks, and the runner logs from the time it happened?"},
		Info: []string{"Config and logs attached.", "Here are the logs; max_instances is 40, we saw 63 instances in the console."},
	},
	{
		Key: "upgrade_failed", Tags: []string{"upgrade", "self-managed"}, Weight: 1.0, Type: "incident", Prio: [4]float64{0, 0.2, 0.45, 0.35}, Plan: "self_managed",
		Cases: []Case{
			{Subjects: []string{"Upgrade from {prev_version} to {version} fails during database migrations", "Production down: upgrade to {version} stuck in db:migrate"},
				Body: "We started the upgrade from {prev_version} to {version} in our maintenance window and the package installation fails at \"Running db:migrate\" with PG::DuplicateColumn. The instance is in maintenance mode, {count} users cannot work.",
				Note: "Emergency call with their DBA: the column exists from an earlier aborted upgrade attempt. Safe to drop and re-run.",
				Fix:  "The migration failed because the column was left behind by an earlier aborted attempt. We removed it as agreed on the call and re-ran \"shipyard-rake db:migrate\"; it finished and the instance is out of maintenance mode. Please run the post-upgrade checks from the upgrade guide and let us know if anything looks off."},
			{Subjects: []string{"Production down after upgrade to {version}", "502 errors for everyone after the upgrade"},
				Body: "After upgrading to {version} the web UI returns 502 for everyone. Puma keeps restarting. We need help urgently, this is our production instance.",
				Note: "Puma fails at boot: a custom initializer from their old install references a removed constant.",
				Fix:  "Puma could not boot because of the custom initializer in /etc/shipyard/initializers from your earlier installation; it references a class removed in 17.0. We moved it aside together on the call, restarted, and the UI is back. If you still need what it did, the setting now exists in Admin > Settings > General."},
			{Subjects: []string{"Background migrations stuck after upgrade", "Next upgrade blocked by failed background migrations"},
				Body: "The upgrade to {version} succeeded but the admin area shows {count} background migrations as failed and the next upgrade is blocked.",
				Note: "Migrations failed on a statement timeout; safe to retry after raising statement_timeout for the migration run.",
				Fix:  "The background migrations failed on a statement timeout. Retry them from Admin > Monitoring > Background migrations after setting statement_timeout to 15 minutes for the migration run (the command is in the linked doc). Once all are finished, you can continue with the next upgrade stop."},
		},
		Ask: []string{
			"Please send us the output of \"shipyard-ctl tail\" for the last 10 minutes and /var/log/shipyard/reconfigure/*.log. Do you have a backup from before the upgrade?",
			"Could you upload a SOS report (shipyard-sos) from the node? It collects everything we need.",
		},
		Info: []string{"SOS report uploaded. We have a VM snapshot from before the upgrade.", "Logs attached."},
		Work: []string{"I'm going through the logs now. Please do not restore the snapshot yet; this looks recoverable and I'll send steps shortly. If you prefer a call, I can send a Zoom link."},
	},
	{
		Key: "upgrade_planning", Tags: []string{"upgrade", "self-managed"}, Weight: 0.7, Type: "question", Prio: [4]float64{0.6, 0.4, 0, 0}, Plan: "self_managed",
		Cases: []Case{
			{Subjects: []string{"Upgrade path from {prev_version} to {version}", "Can we skip versions when upgrading?"},
				Body: "We are on {prev_version} and want to go to {version} next month. Which required stops do we need, and roughly how long will each take with a 400 GB database?",
				Fix:  "From {prev_version} the required stops are the last patch of each listed minor version; the upgrade path tool in the docs gives the exact list. With a 400 GB database plan about 30-60 minutes per stop, mostly for background migrations; wait for them to finish before the next stop."},
			{Subjects: []string{"Zero-downtime upgrade for our 3-node setup", "Is a zero-downtime upgrade supported for us?"},
				Body: "We run a multi-node installation (3 Rails nodes, Patroni, Praefect). Is a zero-downtime upgrade to {version} supported for us?",
				Fix:  "Yes, zero-downtime upgrades are supported for your architecture as long as you upgrade one minor version at a time. Upgrade the Gitaly/Praefect nodes first, then the Rails nodes one by one, and run the post-deployment migrations at the end. I'd recommend a dry run on your staging copy."},
		},
	},
	{
		Key: "sso_saml", Tags: []string{"sso", "saml"}, Weight: 1.0, Type: "incident", Prio: [4]float64{0.05, 0.35, 0.45, 0.15},
		Cases: []Case{
			{Subjects: []string{"Users get \"Extern UID has already been taken\"", "SAML login loops back to the sign-in page"},
				Body: "Since this morning our users cannot sign in with SSO. They authenticate at {idp} and are sent back to the Shipyard sign-in page, some with \"Extern UID has already been taken\". Password sign-in is disabled for non-admins, so nobody can work.",
				Note: "NameID changed from email to a persistent ID when they migrated the {idp} app; every user now looks new to us.",
				Fix:  "The NameID changed format when the {idp} application was migrated: it is now a persistent identifier instead of the email address, so Shipyard cannot match existing identities. Switch the NameID format back to emailAddress in {idp} (or update the extern UIDs through the API; I've attached a script that does it for all users)."},
			{Subjects: []string{"SSO broken after rotating the {idp} certificate", "SAML: \"Fingerprint mismatch\" after certificate rotation"},
				Body: "We rotated the signing certificate in {idp} yesterday and updated the fingerprint in Shipyard, but sign-in now fails with \"Fingerprint mismatch\".",
				Note: "Fingerprint in the config is SHA-1; the new certificate is published with SHA-256 only.",
				Fix:  "The new certificate is only published with a SHA-256 fingerprint; set idp_cert_fingerprint_algorithm to SHA-256 along with the new fingerprint and reconfigure. Sign-ins work again right after that."},
		},
		Ask:  []string{"Could you capture a SAML response with a browser extension (SAML tracer) for a failing sign-in and send it to us? Please remove anything sensitive you do not want to share; we need the NameID, the attributes and the certificate."},
		Info: []string{"SAML tracer output attached.", "Here is the response. The NameID format looks different from what we had before."},
	},
	{
		Key: "scim", Tags: []string{"sso", "scim"}, Weight: 0.5, Type: "problem", Prio: [4]float64{0.3, 0.55, 0.15, 0},
		Cases: []Case{
			{Subjects: []string{"SCIM does not deprovision removed users", "Removed users keep their seats"},
				Body: "When we remove a user from the Shipyard app in {idp}, the user stays active in our group and keeps a seat. SCIM provisioning is enabled and new users are created fine.",
				Fix:  "{idp} sends a PATCH with active=false when a user is unassigned, which removes the user from the group but keeps the account (it may belong to other groups). The seat is released at the next billing sync. To remove the account entirely, enable \"Deprovision users\" in the SAML settings."},
			{Subjects: []string{"SCIM provisioning returns 409 for new users", "New hires not provisioned: 409 Conflict"},
				Body: "New hires are not provisioned anymore: {idp} shows \"409 Conflict\" for every new user since last week.",
				Note: "The 409s are accounts created by hand before SCIM was enabled, same emails.",
				Fix:  "The 409 comes from existing accounts with the same email that were created manually before SCIM was enabled. Link the identities (or delete the manual accounts) and {idp} will provision the users on its next cycle."},
		},
		Ask:  []string{"Could you send the provisioning logs from {idp} for one affected user and the user's email address?"},
		Info: []string{"Attached the {idp} provisioning log, the user is j.doe@{domain}.", "Here are the logs for two users."},
	},
	{
		Key: "ldap_sync", Tags: []string{"ldap", "self-managed"}, Weight: 0.5, Type: "problem", Prio: [4]float64{0.25, 0.6, 0.15, 0}, Plan: "self_managed",
		Cases: []Case{
			{Subjects: []string{"LDAP group sync no longer updates permissions", "New AD group members don't get access"},
				Body: "Users added to our AD group are not getting access to the mapped Shipyard group anymore. The sync worker seems to run, but nothing changes.",
				Note: "group_base still points to the old OU: the check finds the users but 0 groups.",
				Fix:  "The group base points to the old OU: the check finds the users but 0 groups. Update group_base to the new OU and run the group sync once by hand (the command is in the linked doc); permissions update right away."},
			{Subjects: []string{"LDAP users blocked after AD migration", "{count} users blocked: \"LDAP account is blocked\""},
				Body: "After migrating to a new AD forest, {count} users were blocked with \"LDAP account is blocked\" even though they can sign in to Windows.",
				Fix:  "The users' DNs changed with the forest migration, so Shipyard cannot find them under the old base and blocks them. Update base (and uid if needed), reconfigure, and unblock the users with the LDAP check task; they keep their projects and history."},
		},
		Ask:  []string{"Please run \"shipyard-rake shipyard:ldap:check\" and send us the output, together with the ldap_servers section of the configuration (without the bind password)."},
		Info: []string{"Output attached.", "Attached. The base DN changed with the migration."},
	},
	{
		Key: "billing", Tags: []string{"billing"}, Weight: 0.9, Type: "task", Prio: [4]float64{0.45, 0.5, 0.05, 0},
		Cases: []Case{
			{Subjects: []string{"Invoice {invoice} charges {seats} seats, we have fewer", "Wrong number of seats on our invoice"},
				Body: "Our latest invoice {invoice} lists {seats} seats, but we only have {count} active users. Could you check how the seats were counted and correct the invoice?",
				Note: "Billable users include guest users on the premium plan, plus {count} blocked bots that should not count. Asked billing ops to correct.",
				Fix:  "The invoice counted guest users, who are billable on the premium plan (they are free on ultimate only), and {count} blocked bot accounts. Billing has reviewed it: the guests are billable, but they removed the blocked bots and will send a corrected invoice within two business days."},
			{Subjects: []string{"Please update the billing contact", "New billing contact for our subscription"},
				Body: "Our finance team changed: please replace the billing contact with our new controller and resend invoice {invoice}.",
				Fix:  "Done: the billing contact is updated and invoice {invoice} was re-sent to the new address. Future invoices will go there as well."},
			{Subjects: []string{"Question about our quarterly reconciliation", "Why were we charged for {count} additional seats?"},
				Body: "We received a quarterly reconciliation invoice for {count} additional seats. Can you explain how the maximum user count was calculated?",
				Fix:  "The reconciliation uses the highest number of billable users during the quarter, which was reached on {date}. I've attached the daily counts so your finance team can verify it."},
			{Subjects: []string{"Need a W-9 and updated VAT number on invoices", "VAT number missing on our invoices"},
				Body: "Our accounts payable team needs your W-9, and our VAT number changed after a reorganisation. Can you update it on future invoices and reissue invoice {invoice}?",
				Fix:  "I've attached our W-9. Billing updated your VAT number on the account and reissued invoice {invoice} with it; you'll receive it by email within the day."},
		},
		Ask:  []string{"Thanks for reaching out. To handle this we need the subscription name (visible in the Customers Portal) and, for seat questions, a CSV export of your active users from Admin > Users."},
		Info: []string{"Subscription A-S000{count}, export attached.", "Here is the subscription name and the export. Note that bots and blocked users are included in it."},
	},
	{
		Key: "license", Tags: []string{"billing", "license", "self-managed"}, Weight: 0.6, Type: "incident", Prio: [4]float64{0.1, 0.35, 0.35, 0.2}, Plan: "self_managed",
		Cases: []Case{
			{Subjects: []string{"New license file is not accepted", "License upload fails: \"This license has already expired\""},
				Body: "We renewed last week and uploaded the new license, but Shipyard says \"This license has already expired\". Our old license ends on Friday.",
				Note: "The renewal was booked with the wrong term: the license starts and ends on the same day. Requested a corrected license from billing ops.",
				Fix:  "The license that was sent ends the day it starts, because the renewal was booked with the wrong term. We issued a corrected license and emailed it to the subscription contact; upload it under Admin > Subscription and the paid features stay on."},
			{Subjects: []string{"Instance downgraded to Free after license renewal", "Paid features gone this morning"},
				Body: "This morning our instance shows Free features only, protected environments and approvals are gone. We renewed {count} days ago.",
				Fix:  "The renewed subscription was never synchronised because the instance can't reach our license server through your proxy. Add the proxy settings for the sync (linked below) or upload the license file attached here under Admin > Subscription; the features come back immediately and no data was lost."},
			{Subjects: []string{"Activation code fails in an offline environment", "How to activate a renewal without internet access?"},
				Body: "Our instance has no internet access, so the activation code does not work. How do we activate the renewal?",
				Fix:  "For offline instances we generate a license file instead of using an activation code. It's attached to this ticket: upload it under Admin > Subscription > Upload license file."},
		},
		Ask:  []string{"Could you send a screenshot of Admin > Subscription and the subscription name from the Customers Portal?"},
		Info: []string{"Screenshot attached, subscription A-S000{count}.", "Here you go."},
	},
	{
		Key: "api_errors", Tags: []string{"api"}, Weight: 1.0, Type: "incident", Prio: [4]float64{0.1, 0.5, 0.35, 0.05},
		Cases: []Case{
			{Subjects: []string{"API returns 500 on {endpoint}", "HTTP 500 from the pipelines API for one project"},
				Body: "Calls to {endpoint} return HTTP 500 for some projects (for example {project}), other projects work. This breaks our release tooling. Correlation ID from one failed call: {corr}.",
				Note: "Statement timeout on the pipelines query for projects with more than a million pipelines; known performance issue {issue}.",
				Fix:  "The 500 is a database statement timeout: sorting by updated_at over all pipelines of a project with more than a million pipelines is too slow. Use order_by=id (the default) with keyset pagination (pagination=keyset); it answers in milliseconds. The slow path is tracked in {issue}."},
			{Subjects: []string{"Intermittent 502 from the API during deployments", "About 2% of API calls fail with 502"},
				Body: "Our deployment scripts call the API in a loop and get about 2% 502 Bad Gateway responses, always while our instance is under load.",
				Note: "The 502s line up with Puma worker restarts during their deploys (correlation IDs checked).",
				Fix:  "The 502s happen when Puma workers restart during your deploys. Add retries with backoff for 502/503 in your scripts (the API is idempotent for GETs) and consider raising the number of workers; after your change the error rate went to zero in our logs."},
			{Subjects: []string{"GraphQL query times out for large groups", "Vulnerability report query hits the 60 s timeout"},
				Body: "A GraphQL query listing vulnerabilities for our top-level group times out after 60 seconds since the group grew past {count} projects.",
				Fix:  "Querying the whole group's vulnerabilities in one request is too much at that size. Paginate with first: 100 and the cursor, and filter by severity or report type; each page then answers in about a second. The group-level aggregation you need is also available from the vulnerability export API, which runs in the background."},
		},
		Ask:  []string{"Thanks for the report. Could you tell us the exact request (method, path, parameters) and how often it happens? If it's self-managed, the production_json.log lines for a correlation ID would help."},
		Info: []string{"It's GET with per_page=100 and order_by=updated_at. Happens every time for {project}.", "Logs attached."},
	},
	{
		Key: "api_rate_limit", Tags: []string{"api", "rate-limits"}, Weight: 0.6, Type: "question", Prio: [4]float64{0.25, 0.6, 0.15, 0}, Plan: "saas",
		Cases: []Case{
			{Subjects: []string{"429 Too Many Requests from the API in CI", "Rate limited when cloning dependencies in CI"},
				Body: "Our CI jobs that clone dependencies get \"429 Too Many Requests\" several times a day. We did not change anything. What are the limits and how can we avoid them?",
				Fix:  "Authenticated API traffic is limited to 2,000 requests per minute per user on SaaS; your jobs all use the same project access token, so they share one budget. Use the CI_JOB_TOKEN in jobs (each job has its own budget) and cache dependencies between jobs to cut the traffic."},
			{Subjects: []string{"What are the API rate limits on SaaS?", "Can rate limits be raised for a migration weekend?"},
				Body: "We are planning a migration tool that will call the API heavily. What are the rate limits for authenticated users and can they be raised for a weekend?",
				Fix:  "The limits are published on the rate limits page. For a one-off migration we can raise them temporarily: reply with the date and the user or token, and we'll schedule it with the SaaS operations team."},
		},
	},
	{
		Key: "webhooks", Tags: []string{"webhooks", "integrations"}, Weight: 0.6, Type: "problem", Prio: [4]float64{0.25, 0.55, 0.2, 0},
		Cases: []Case{
			{Subjects: []string{"Webhooks disabled automatically", "Jenkins webhook keeps getting disabled"},
				Body: "Our project webhooks to Jenkins were disabled automatically and now show \"Failed to connect\". The endpoint works when we test it with curl.",
				Note: "Recent events: 'execution expired' after 10 s; their receiver is slow when Jenkins is busy.",
				Fix:  "Webhooks are disabled after repeated failures, and your endpoint takes more than 10 seconds to answer when Jenkins is busy, which counts as a failure. Make the receiver acknowledge immediately and queue the work; then re-enable the hook with the Test button."},
			{Subjects: []string{"Push webhooks arrive minutes late", "Webhook deliveries delayed by 5-10 minutes"},
				Body: "Push events reach our webhook receiver with a delay of 5-10 minutes since yesterday, which slows down our deployments.",
				Note: "Backlog in the webhook workers after the incident of {date}; draining.",
				Fix:  "The delay came from a backlog in our webhook workers after an incident on {date}; it has been processed and deliveries are back to a few seconds. Sorry for the trouble; the incident report is linked on our status page."},
			{Subjects: []string{"Jira integration stopped linking commits", "Commits no longer show up in Jira"},
				Body: "Commits that mention Jira keys are no longer linked in Jira. The integration test button says \"Connection successful\".",
				Fix:  "The Jira integration's API token belongs to a user who was deactivated in Jira last week, and Jira now ignores its comments. The test button only checks the connection. Replace the token with one of an active service account and the links come back for new commits."},
		},
		Ask:  []string{"Could you send the recent events from the webhook's settings page (Edit > Recent events), including the response code and the error message?"},
		Info: []string{"Screenshot attached.", "Recent events attached, all 200 but some delivered late."},
	},
	{
		Key: "registry", Tags: []string{"registry", "containers"}, Weight: 0.9, Type: "problem", Prio: [4]float64{0.15, 0.5, 0.3, 0.05},
		Cases: []Case{
			{Subjects: []string{"docker push fails with \"unauthorized: authentication required\"", "Cannot push images from CI to another project"},
				Body: "Pushing images from CI fails with \"denied: requested access to the resource is denied\" / \"unauthorized: authentication required\". Pulling works. We log in with CI_REGISTRY_USER and CI_REGISTRY_PASSWORD.",
				Note: "The job pushes to another project's registry path with the job token.",
				Fix:  "The job token can push only to the project's own registry. Your job pushes to another project's path, so it needs a deploy token with write_registry for that project, or that project must allow your project in its CI/CD job token allowlist."},
			{Subjects: []string{"Container registry cleanup policy does not delete tags", "Cleanup policy keeps every tag"},
				Body: "We enabled a cleanup policy to keep the 10 most recent tags, but the registry of {project} still has {count} tags and storage keeps growing.",
				Fix:  "Cleanup policies only run on tags that match the regex and are older than the cutoff; your regex '.*-rc' did not match the tags built from branches. Changing it to '.*' with keep_n = 10 cleaned up the tags at the next run."},
			{Subjects: []string{"Registry storage full on our instance", "Deleting tags does not free registry space"},
				Body: "Our object storage bucket for the registry grew to {count} GB. Deleting tags in the UI does not free any space.",
				Fix:  "Deleting tags only removes references; space is freed by garbage collection. Run \"shipyard-ctl registry-garbage-collect -m\" in a maintenance window (it puts the registry in read-only mode), or enable online garbage collection with the metadata database."},
		},
		Ask:  []string{"Could you share the job log or a screenshot that shows the problem, and tell us whether the project is in a group with IP restrictions or uses a custom registry domain?"},
		Info: []string{"Log attached. Yes, we use registry.{domain}.", "No IP restrictions. Screenshot attached."},
	},
	{
		Key: "performance", Tags: []string{"performance", "self-managed"}, Weight: 0.7, Type: "incident", Prio: [4]float64{0.05, 0.35, 0.45, 0.15}, Plan: "self_managed",
		Cases: []Case{
			{Subjects: []string{"Web UI very slow after upgrade to {version}", "Every page takes 5-10 seconds since the upgrade"},
				Body: "Since the upgrade to {version} every page takes 5-10 seconds to load, merge request diffs sometimes time out. The server has 16 cores and 64 GB RAM and serves {count} users.",
				Note: "Autovacuum never finished on ci_builds_metadata; table bloat 400%. Sent manual VACUUM steps.",
				Fix:  "The slow queries come from table bloat on ci_builds_metadata: autovacuum could not keep up during the upgrade's background migrations. Run the VACUUM steps I sent (about 20 minutes, no downtime) and add the autovacuum settings from the reference architecture; after that the pages should load in under a second."},
			{Subjects: []string{"High CPU on the database server", "PostgreSQL at 100% CPU during office hours"},
				Body: "Our PostgreSQL server sits at 100% CPU during office hours. It started after we imported a large monorepo with {count} open merge requests.",
				Note: "The top query is the mergeability check of the imported monorepo's open MRs, 40,000 times a minute; fixed in the next patch.",
				Fix:  "The repeated query is the mergeability check of open MRs in the new monorepo. The next patch release of {version} contains the fix; until you can upgrade, the feature flag I mentioned reduces the load to normal levels."},
		},
		Ask:  []string{"Please run the performance bar on a slow page (press p b) and send us a screenshot, plus the output of \"shipyard-rake db:top_queries\" if available."},
		Info: []string{"Screenshots attached, the SQL part is 8 seconds.", "Top queries attached. The first one runs 40,000 times a minute."},
	},
	{
		Key: "saas_outage", Tags: []string{"saas", "outage"}, Weight: 0.4, Type: "incident", Prio: [4]float64{0, 0.1, 0.3, 0.6}, Plan: "saas",
		Cases: []Case{
			{Subjects: []string{"All our pipelines fail with \"Error cleaning up pod\"", "Shared runners failing for every job"},
				Body: "Every job on the shared runners fails since {hour} UTC with \"ERROR: Error cleaning up pod\". Production deployments are blocked. Is there an incident?",
				Note: "Linked to the ongoing shared-runner incident {issue}; several customers affected. Update every hour.",
				Fix:  "The incident is resolved: a faulty node pool update on the shared runner fleet made pod cleanup fail. Jobs have been running normally since this afternoon. Please retry the failed pipelines; the full incident review will be published on the status page."},
			{Subjects: []string{"Shipyard SaaS returns 503 for our group", "Cannot push to any repository"},
				Body: "We get 503 errors on every page of our group and git push fails with \"The remote end hung up unexpectedly\". Nothing on the status page yet.",
				Note: "Load balancer change affected a subset of namespaces including theirs; incident {issue} opened.",
				Fix:  "Service was restored. The cause was a configuration change on our load balancers that affected a subset of namespaces including yours. We're sorry for the disruption; the incident review will be on the status page."},
		},
		Work: []string{"Thanks for reporting this. Our SaaS operations team is investigating an incident affecting this; you can follow it on the status page. I'll update this ticket as soon as it is resolved."},
	},
	{
		Key: "backup", Tags: []string{"backup", "self-managed"}, Weight: 0.5, Type: "problem", Prio: [4]float64{0.2, 0.5, 0.25, 0.05}, Plan: "self_managed",
		Cases: []Case{
			{Subjects: []string{"Backup task fails: \"file changed as we read it\"", "Nightly backup exits with status 1"},
				Body: "Our nightly backup fails with \"tar: /var/opt/shipyard/.../uploads: file changed as we read it\" and exits with status 1.",
				Fix:  "Use the STRATEGY=copy option: it copies the data first and archives the copy, so files changing during the backup no longer make tar fail."},
			{Subjects: []string{"Restore to a new server fails with missing secrets", "CI variables cannot be decrypted after restore"},
				Body: "We are testing our disaster recovery and the restore on a new server fails: CI variables cannot be decrypted.",
				Note: "shipyard-secrets.json was not copied to the new server.",
				Fix:  "The backup doesn't include shipyard-secrets.json, which holds the key for CI variables. Copy that file from the old server (it should be in your configuration backup), reconfigure, and run the restore again."},
			{Subjects: []string{"Backups take 9 hours", "How to speed up our repository backups?"},
				Body: "Our backups now take 9 hours for {count} GB of repositories and overlap with office hours.",
				Fix:  "Repositories are backed up one at a time by default. Set the concurrency options (GITALY_BACKUP_CONCURRENCY and the per-storage setting) to use your 8 cores, and use incremental repository backups; the run should drop to under two hours."},
		},
		Ask:  []string{"Could you send the complete output of the backup command and tell us which version and installation method you use?"},
		Info: []string{"Full output attached, installed with the Linux package, version {version}.", "Attached."},
	},
	{
		Key: "merge_requests", Tags: []string{"merge-requests"}, Weight: 0.8, Type: "problem", Prio: [4]float64{0.25, 0.55, 0.2, 0},
		Cases: []Case{
			{Subjects: []string{"Merge request stuck in \"Checking if merge request can be merged\"", "!{mr} stuck in mergeability check"},
				Body: "!{mr} in {project} has shown \"Checking if merge request can be merged...\" for two days. Other MRs merge fine.",
				Fix:  "The mergeability check was stuck after a Sidekiq restart. Running the check again from the Rails console (the snippet is below) unstuck it; if it happens again, a new push to the branch triggers the check too."},
			{Subjects: []string{"Approval rules ignored after the upgrade", "MRs merged with one approval instead of two"},
				Body: "Our protected branch requires two approvals from the Security group, but MRs can now be merged with a single approval from anyone.",
				Note: "\"Prevent editing approval rules in merge requests\" is off; authors edited the copied rule.",
				Fix:  "The approval rule was defined on the project while \"Prevent editing approval rules in merge requests\" is off, so each MR carried a copy that authors edited. Enable that setting in the group and the rule applies again to all open MRs."},
			{Subjects: []string{"Merge button missing although pipeline passed", "\"Merge blocked\" with a green pipeline"},
				Body: "The pipeline for !{mr} passed, all threads are resolved, but there's no merge button, only \"Merge blocked\".",
				Fix:  "The merge is blocked by the \"Pipelines must succeed\" setting: the latest pipeline for the merged result failed, only the branch pipeline passed. Rebasing and running the pipeline again shows the merge button."},
		},
		Ask:  []string{"Could you send a screenshot of the MR widget and tell us if the MR was created from a fork?"},
		Info: []string{"Screenshot attached; not a fork.", "Yes, it's from a fork of {project}."},
	},
	{
		Key: "account_access", Tags: []string{"account", "2fa"}, Weight: 0.6, Type: "task", Prio: [4]float64{0.1, 0.45, 0.35, 0.1},
		Cases: []Case{
			{Subjects: []string{"Locked out: lost our 2FA device", "Owner lost the authenticator app and recovery codes"},
				Body: "Our only group owner lost the phone with the authenticator app and the recovery codes. We need access to our group {project} back.",
				Note: "Verification passed (2 of 3 challenges + request from the billing contact). Approved by a second engineer as the process requires.",
				Fix:  "Verification is complete: we disabled two-factor authentication on the account. Please sign in, set up 2FA again right away and store the new recovery codes somewhere safe (a password manager works well)."},
			{Subjects: []string{"Please transfer ownership of our top-level group", "Our only group owner left the company"},
				Body: "Our former DevOps lead left the company and was the only owner of our top-level group. Can you make me the owner?",
				Note: "Ownership transfer approved: request confirmed by the billing contact.",
				Fix:  "Ownership of the group has been transferred to you as requested by your billing contact. The former owner's membership was downgraded to Maintainer; you can remove it."},
			{Subjects: []string{"Account locked after too many sign-in attempts", "Unlock email never arrives"},
				Body: "My account was locked after too many failed sign-ins; the unlock email never arrives.",
				Fix:  "Our mail logs show the unlock emails were rejected by your mail server's spam filter. I've unlocked the account; please allow mail from our sending domain so that future notifications arrive."},
		},
		Ask:  []string{"For security we need to verify ownership before changing anything. Please reply from the email address of the account and answer the verification questions in the attached form."},
		Info: []string{"Form filled and attached, sent from the account's address.", "Done, the form is attached."},
	},
	{
		Key: "kubernetes_agent", Tags: []string{"kubernetes", "deployments"}, Weight: 0.5, Type: "problem", Prio: [4]float64{0.2, 0.55, 0.25, 0},
		Cases: []Case{
			{Subjects: []string{"Kubernetes agent disconnected: certificate signed by unknown authority", "Agent shows \"Never connected\""},
				Body: "Our agent for Kubernetes shows \"Never connected\" and its pod log says \"x509: certificate signed by unknown authority\". We use a corporate proxy.",
				Note: "Their proxy re-signs TLS with the corporate CA, which the agent image doesn't trust.",
				Fix:  "The proxy re-signs TLS traffic with your corporate CA, which the agent image doesn't trust. Mount the CA bundle into the pod and point SSL_CERT_FILE at it (the Helm chart has a value for this); the agent connects right after the restart."},
			{Subjects: []string{"Deploy job cannot reach the cluster through the agent", "kubectl Unauthorized in the deploy job"},
				Body: "kubectl in our deploy job fails with \"error: You must be logged in to the server (Unauthorized)\" although the agent is connected and the project is authorized in its config.",
				Fix:  "ci_access grants access to projects in the group, but the deploy job runs in a subgroup's project that was moved after the agent was set up. Add the subgroup (or the project) to ci_access.groups and select the agent's context in the job with kubectl config use-context."},
		},
		Ask:  []string{"Could you send the agent's pod logs and the agent configuration file (.shipyard/agents/<name>/config.yaml)?"},
		Info: []string{"Logs and config attached.", "Attached. The ci_access section lists the group."},
	},
	{
		Key: "security_scanning", Tags: []string{"security", "ci"}, Weight: 0.5, Type: "question", Prio: [4]float64{0.3, 0.55, 0.15, 0},
		Cases: []Case{
			{Subjects: []string{"SAST job fails with \"no analyzer found\"", "SAST does not detect our Kotlin project"},
				Body: "After enabling the SAST template, the job fails with \"No analyzer found for this project\". The project is a Kotlin backend.",
				Fix:  "The Kotlin analyzer only detects projects with .kt files near the top level by default; your sources are under services/. Set SEARCH_MAX_DEPTH to 8 and the analyzer picks the project up."},
			{Subjects: []string{"Dependency scanning misses our Gradle dependencies", "Dependency scanning reports 0 dependencies"},
				Body: "Dependency scanning reports 0 dependencies for our Gradle projects, which use a version catalog.",
				Fix:  "Version catalogs are supported from analyzer 4.2 on; the template you include pins an older major version. Remove the DS_MAJOR_VERSION override and the dependencies appear in the next pipeline."},
			{Subjects: []string{"How do we dismiss a vulnerability for all projects?", "Bulk-dismiss a false positive"},
				Body: "A false positive shows up in {count} projects. Is there a way to dismiss it once for the whole group?",
				Fix:  "You can dismiss it in bulk from the group's vulnerability report: filter by the identifier, select all and choose \"Dismiss as false positive\". A security policy can also dismiss it automatically in future pipelines."},
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
	// Bad ratings say why: a missed target, a problem that came back, or
	// something else.
	badSlow = []string{
		"It took far too long to get a first answer while our pipelines were blocked.",
		"Too slow for a production issue on our plan.",
		"We waited a day for each reply.",
	}
	badReopened = []string{
		"The suggested workaround did not work and the ticket was closed anyway.",
		"We had to come back because the first answer didn't fix it.",
	}
	badOther = []string{
		"We had to explain the problem twice to different engineers.",
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
