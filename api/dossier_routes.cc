#include "api/dossier_routes.h"

#include <algorithm>
#include <charconv>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "api/handler_support.h"
#include "api/problem.h"
#include "api/workflow_json.h"
#include "engine/domain/agency_roles.h"
#include "engine/domain/form_order.h"
#include "engine/domain/identity.h"
#include "engine/domain/identity_claims.h"
#include "engine/domain/json_text.h"
#include "engine/domain/payment.h"
#include "engine/domain/rating.h"
#include "engine/domain/rfc3339.h"
#include "engine/domain/status_macros.h"
#include "engine/domain/workflow_lint.h"

namespace motcua {
namespace {

using nlohmann::json;

// ---- rendering --------------------------------------------------------------

json DeadlineJson(const Deadline& deadline) {
  if (deadline.same_day) {
    return {{"same_day", true}, {"cutoff_minutes", deadline.cutoff_minutes}};
  }
  return {{"working_days", deadline.working_days}};
}

json ProcedureSummary(const RunnableWorkflow& runnable) {
  const Procedure& p = runnable.workflow.procedure;
  json fees = json::array();
  for (const Fee& fee : p.fees) {
    fees.push_back({{"key", fee.key},
                    {"name", fee.name},
                    {"names", NamesJson(fee.names)},
                    {"desk", fee.desk_amount},
                    {"online", fee.online_amount},
                    {"per_copy", fee.per_copy}});
  }
  return {{"code", p.code},
          {"name", p.name},
          {"names", NamesJson(p.names)},
          {"sector", p.sector},
          {"agency", {{"level", p.agency_level}, {"name", p.agency_name}}},
          {"deadline", DeadlineJson(p.deadline)},
          {"fees", fees},
          {"online_level", p.online_level == OnlineLevel::kFull ? "full" : "partial"},
          {"version", runnable.definition.version}};
}

// Ordered: the form's fields keep the administrator's order (form_order.h).
nlohmann::ordered_json ProcedureDetail(const RunnableWorkflow& runnable) {
  const Workflow& wf = runnable.workflow;
  const Procedure& p = wf.procedure;
  json detail = ProcedureSummary(runnable);
  json documents = json::array();
  for (const RequiredDocument& d : p.documents) {
    documents.push_back({{"key", d.key},
                         {"name", d.name},
                         {"names", NamesJson(d.names)},
                         {"required", d.required},
                         {"electronic_copy", d.electronic_copy_accepted}});
  }
  json states = json::array();
  for (const State& state : wf.states) {
    states.push_back({{"id", state.id},
                      {"name", state.name},
                      {"names", NamesJson(state.names)},
                      {"status", static_cast<int>(state.status)},
                      {"terminal", state.terminal}});
  }
  json actions = json::array();
  for (const Action& action : wf.actions) {
    actions.push_back({{"name", action.name},
                       {"title", action.title},
                       {"names", NamesJson(action.names)},
                       {"from", action.from},
                       {"to", action.to},
                       {"roles", action.roles}});
  }
  detail["documents"] = documents;
  detail["states"] = states;
  detail["actions"] = actions;
  detail["result"] = {{"kind", p.result_kind}};
  detail["content_hash"] = runnable.definition.content_hash;
  nlohmann::ordered_json ordered = detail;
  ordered["form"] = OrderedForm(p.form_schema);
  return ordered;
}

json LintProblemsJson(const std::vector<LintProblem>& problems) {
  json items = json::array();
  for (const LintProblem& problem : problems) {
    items.push_back({{"pointer", problem.pointer},
                     {"line", problem.line},
                     {"column", problem.column},
                     {"message", problem.message},
                     {"rule", problem.rule}});
  }
  return {{"valid", problems.empty()}, {"problems", items}};
}

// Who acted and how they authenticated; the method and provider are null for
// events stored before the audit trail recorded them.
json EventActorJson(const DossierEvent& event) {
  const Actor& actor = event.actor;
  json authenticated_by;
  json identity_provider;
  if (event.records_authentication) {
    authenticated_by = AuthMethodName(actor.authenticated_by);
    if (!actor.identity_provider.empty()) identity_provider = actor.identity_provider;
  }
  return {{"id", actor.user_id},
          {"roles", actor.roles},
          {"agency", actor.agency},
          {"authenticated_by", authenticated_by},
          {"identity_provider", identity_provider}};
}

// The localized title of a state or action of `workflow`; an id the
// definition does not know (an engine event) is its own title.
json StateTitleJson(const Workflow& workflow, const std::string& id) {
  const State* state = workflow.FindState(id);
  return state != nullptr ? NamesJson(state->names) : NamesJson({id, id});
}

json ActionTitleJson(const Workflow& workflow, const std::string& name) {
  const Action* action = workflow.FindAction(name);
  return action != nullptr ? NamesJson(action->names) : NamesJson({name, name});
}

// The actions `names` (available now) with what a person must supply for
// each (WorkflowJson::actions).
json ActionsJson(const WorkflowJson& rendered, const std::vector<std::string>& names) {
  json actions = json::array();
  for (const std::string& name : names) {
    auto action = rendered.actions.find(name);
    if (action != rendered.actions.end()) actions.push_back(action->second);
  }
  return actions;
}

json FeeJson(const FeeStatus& fee) {
  json paid;
  if (fee.paid) {
    paid = {{"amount", fee.paid->amount},
            {"channel", fee.paid->channel ? json(ChannelName(*fee.paid->channel)) : json()},
            {"at", FormatRfc3339DateTime(fee.paid->at)}};
  }
  return {{"desk", fee.desk_due},
          {"online", fee.online_due},
          {"awaiting_payment", fee.awaiting_payment},
          {"paid", paid}};
}

json TimeLeftJson(const std::optional<WorkingTimeLeft>& left) {
  if (!left) return json();
  return {{"overdue", left->overdue},
          {"days", left->days},
          {"hours", left->hours},
          {"minutes", left->minutes},
          {"total_minutes", left->total_minutes}};
}

// The branches of the dossier's latest fork run the viewer may see
// (DossierView): running, or as they ended once joined.
json BranchesJson(const DossierView& view, const WorkflowJson& rendered) {
  const Workflow& workflow = view.workflow->workflow;
  json branches = json::array();
  for (const auto& [id, position] : view.branches) {
    const State* state = workflow.FindState(position.state);
    const bool ended = state != nullptr && state->terminal;
    auto time = view.branch_times.find(id);
    const BranchTime on_time = time == view.branch_times.end() ? BranchTime{} : time->second;
    auto result = view.branch_results.find(id);
    branches.push_back(
        {{"id", id},
         {"state", position.state},
         {"state_title", rendered.StateTitle(position.state)},
         {"handling_agency", HandlingAgency(workflow, view.dossier, position.state)},
         {"assignee", position.assignee ? json(*position.assignee) : json()},
         {"ended", ended},
         {"outcome", ended ? json(OutcomeName(state->outcome)) : json()},
         {"due_at", OptionalInstant(on_time.due)},
         {"late", on_time.late},
         {"result_document",
          result == view.branch_results.end() ? json() : json(result->second.document)}});
  }
  return branches;
}

json DossierJson(const DossierView& view) {
  const Dossier& d = view.dossier;
  const Workflow& workflow = view.workflow->workflow;
  const std::shared_ptr<const WorkflowJson> rendered = WorkflowJsonOf(view.workflow);
  const State* state = workflow.FindState(d.state);
  json reasons = json::array();
  for (const NotOnlineStep& step : view.fully_online.reasons) {
    reasons.push_back({{"reason", NotOnlineReasonName(step.reason)},
                       {"message", step.message},
                       {"event_index", step.event_index ? json(*step.event_index) : json()}});
  }
  json documents = json::object();
  json document_titles = json::object();
  for (const auto& [key, id] : d.documents) {
    documents[key] = id;
    document_titles[key] = rendered->DocumentTitle(key);
  }
  json extensions = json::array();
  for (const Extension& e : d.clock.extensions) {
    extensions.push_back({{"at", FormatRfc3339DateTime(e.at)},
                          {"new_due", FormatRfc3339DateTime(e.new_due)},
                          {"reason", e.reason}});
  }
  const std::optional<SatisfactionRating> rating = RatingOf(d);
  const std::optional<std::string> verified_by = IdentityVerifiedBy(d);
  // Overdue in its current state: the engine's escalation since it entered.
  json escalation;
  if (const DossierEvent* escalated = EscalationDuringStay(d)) {
    escalation = {{"to_role", escalated->payload.value("to_role", "")},
                  {"at", FormatRfc3339DateTime(escalated->at)}};
  }
  return {
      {"code", d.code},
      {"procedure", d.procedure_code},
      {"definition_version", d.definition_version},
      {"applicant_id", d.applicant_id},
      {"agency", d.agency},
      {"handling_agency", HandlingAgency(workflow, d, d.state)},
      {"identity_verified_by", verified_by ? json(*verified_by) : json()},
      {"identity_data_fields", IdentityDataFields(d)},
      {"state", d.state},
      {"state_name", state != nullptr ? state->name : d.state},
      {"state_title", rendered->StateTitle(d.state)},
      {"branches", BranchesJson(view, *rendered)},
      {"procedure_title", rendered->procedure_title},
      {"status", static_cast<int>(view.status)},
      {"version", d.version},
      {"assignee", d.assignee ? json(*d.assignee) : json()},
      {"received_at", OptionalInstant(d.clock.received_at)},
      {"due_at", OptionalInstant(d.clock.due_at)},
      {"finished_at", OptionalInstant(d.clock.finished_at)},
      {"extensions", extensions},
      {"form", d.form},
      {"documents", documents},
      {"document_titles", document_titles},
      {"result_document", d.result_document ? json(*d.result_document) : json()},
      {"available_actions", view.available_actions},
      {"actions", ActionsJson(*rendered, view.available_actions)},
      {"fee", FeeJson(FeeStatusOf(workflow, d))},
      {"working_time_left", TimeLeftJson(view.time_left)},
      {"automatic_pending", view.automatic_pending
                                ? json{{"action", view.automatic_pending->action},
                                       {"reason", view.automatic_pending->reason}}
                                : json()},
      {"escalation", escalation},
      {"rating", rating ? json{{"score", rating->score},
                               {"comment", rating->comment},
                               {"at", FormatRfc3339DateTime(rating->at)}}
                        : json()},
      {"fully_online",
       {{"fully_online", view.fully_online.fully_online},
        {"final", view.fully_online.final},
        {"reasons", reasons}}},
      {"timeliness",
       {{"status", view.timeliness.status ? json(TimelinessName(*view.timeliness.status)) : json()},
        {"supplement_requests", view.timeliness.supplement_requests},
        {"counts_late_in_index", view.timeliness.counts_late_in_index}}},
  };
}

json SummaryJson(const DossierSummary& s) {
  return {{"code", s.code},
          {"procedure", s.procedure_code},
          {"applicant_id", s.applicant_id},
          {"agency", s.agency},
          {"state", s.state},
          {"status", s.national_status},
          {"version", s.version},
          {"assignee", s.assignee ? json(*s.assignee) : json()},
          {"due_at", OptionalInstant(s.due_at)},
          {"updated_at", FormatRfc3339DateTime(s.updated_at)}};
}

// A page of `items` rendered by `render`; the cursor is the last item's code.
template <typename Item, typename Render>
json PageJson(const std::vector<Item>& items, int limit, Render render,
              const std::string& last_code) {
  json list = json::array();
  for (const Item& item : items) list.push_back(render(item));
  json page = {{"items", std::move(list)}};
  const bool full = static_cast<int>(items.size()) >= limit && !items.empty();
  page["next_cursor"] = full ? json(last_code) : json();
  return page;
}

json PageJson(const std::vector<DossierSummary>& items, int limit) {
  return PageJson(items, limit, SummaryJson, items.empty() ? "" : items.back().code);
}

json QueueItemJson(const QueueItem& item) {
  json rendered = SummaryJson(item.summary);
  rendered["escalated"] = item.escalated;
  rendered["working_time_left"] = TimeLeftJson(item.time_left);
  return rendered;
}

json QueuePageJson(const std::vector<QueueItem>& items, int limit) {
  return PageJson(items, limit, QueueItemJson, items.empty() ? "" : items.back().summary.code);
}

json SignatureJson(const ResultSignatureView& view) {
  const SignatureEvidence& e = view.evidence;
  return {{"id", e.signature_id},
          {"kind", e.seal ? "agency_seal" : "signature"},
          {"signer_subject", e.signer_subject},
          {"serial", e.serial},
          {"certificate_fingerprint", e.certificate_fingerprint},
          {"signing_time", e.signing_time ? json(FormatRfc3339DateTime(*e.signing_time)) : json()},
          {"document_id", e.document_id},
          {"branch", e.branch.empty() ? json() : json(e.branch)},
          {"covers_current_result", view.covers_current_result},
          {"status", view.status}};
}

// An entity tag of a version number, as If-Match sends it back.
std::string VersionTag(std::int64_t version) {
  return "\"" + std::to_string(version) + "\"";
}

// ---- parsing ----------------------------------------------------------------

// Filters of GET /v1/dossiers: state, procedure, received_from, received_to.
Result<DossierFilter> ListFilter(const HttpRequest& request) {
  DossierFilter filter;
  filter.state = QueryValue(request, "state");
  filter.procedure_code = QueryValue(request, "procedure");
  std::vector<FieldError> invalid;
  // A date here means its midnight in UTC (the filter predates local dates).
  filter.received_from = InstantQuery(request, "received_from", std::chrono::minutes(0), invalid);
  filter.received_to = InstantQuery(request, "received_to", std::chrono::minutes(0), invalid);
  if (!invalid.empty()) {
    return Error(ErrorCode::kInvalidArgument, "invalid filter", ErrorReason::kValidation,
                 std::move(invalid));
  }
  return filter;
}

// The input of POST /v1/dossiers/{code}/actions/{action}: nothing for an
// empty body, else a JSON object of kActionInputFields.
Result<ActionInput> ActionBody(const HttpRequest& request) {
  if (request.body.empty()) return ActionInput{};
  ASSIGN_OR_RETURN(json body, ParseObjectBody(request, kActionInputFields));
  return ParseActionInput(body);
}

// ---- handlers ---------------------------------------------------------------

class Handlers {
 public:
  explicit Handlers(const DossierApi& api) : api_(api) {}

  HttpResponse ListProcedures(const HttpRequest& request, const PathParams&) const {
    auto latest = api_.catalog.Latest();
    if (!latest.ok()) return ProblemResponse(latest.error(), request.path);
    json items = json::array();
    for (const auto& runnable : *latest) items.push_back(ProcedureSummary(*runnable));
    return JsonResponse(200, {{"items", items}});
  }

  HttpResponse GetProcedure(const HttpRequest& request, const PathParams& params) const {
    auto runnable = api_.catalog.Get(params.at("code"));
    if (!runnable.ok()) return ProblemResponse(runnable.error(), request.path);
    HttpResponse response = OrderedJsonResponse(200, ProcedureDetail(**runnable));
    response.headers.push_back({"ETag", VersionTag((*runnable)->definition.version)});
    return response;
  }

  HttpResponse ListVersions(const HttpRequest& request, const PathParams& params,
                            const Actor& actor) const {
    auto versions = api_.catalog.Versions(actor, params.at("code"));
    if (!versions.ok()) return ProblemResponse(versions.error(), request.path);
    json items = json::array();
    for (const StoredDefinition& d : *versions) {
      items.push_back({{"version", d.version},
                       {"content_hash", d.content_hash},
                       {"published_at", FormatRfc3339DateTime(d.published_at)},
                       {"published_by", d.published_by},
                       {"owner_agency", d.owner_agency.empty() ? json() : json(d.owner_agency)}});
    }
    return JsonResponse(200, {{"procedure", params.at("code")}, {"items", items}});
  }

  // GET /v1/procedures/{code}/versions/{from}/diff/{to}: what changed.
  HttpResponse DiffVersions(const HttpRequest& request, const PathParams& params,
                            const Actor& actor) const {
    std::vector<FieldError> invalid;
    auto number = [&](const char* name) -> std::int64_t {
      const std::string& text = params.at(name);
      std::int64_t value = 0;
      auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
      if (error != std::errc() || end != text.data() + text.size() || value < 1) {
        invalid.push_back({std::string("/") + name, "must be a version number: 1, 2, ..."});
      }
      return value;
    };
    const std::int64_t from = number("from");
    const std::int64_t to = number("to");
    if (!invalid.empty()) {
      return ProblemResponse(
          Error(ErrorCode::kInvalidArgument, "the versions to compare are not numbers",
                ErrorReason::kValidation, std::move(invalid)),
          request.path);
    }
    auto changes = api_.catalog.Diff(actor, params.at("code"), from, to);
    if (!changes.ok()) return ProblemResponse(changes.error(), request.path);
    return JsonResponse(200, {{"procedure", params.at("code")},
                              {"from", from},
                              {"to", to},
                              {"changes", WorkflowChangesJson(*changes)}});
  }

  HttpResponse PublishWorkflow(const HttpRequest& request, const PathParams& params,
                               const Actor& actor) const {
    Result<std::optional<std::int64_t>> expected = IfMatchVersion(request);
    if (!expected.ok()) return ProblemResponse(expected.error(), request.path);
    Result<json> document = ParseWorkflowBody(request);
    if (!document.ok()) return ProblemResponse(document.error(), request.path);
    auto published = api_.catalog.Publish(actor, *document, params.at("code"), *expected);
    if (!published.ok()) return ProblemResponse(published.error(), request.path);
    return JsonResponse(200, {{"procedure", published->procedure_code},
                              {"version", published->version},
                              {"content_hash", published->content_hash}});
  }

  // The body is the definition's text as typed; only limits and a wrong media
  // type are errors, everything else is a problem in a 200 answer.
  HttpResponse LintWorkflow(const HttpRequest& request, const PathParams&,
                            const Actor& actor) const {
    if (Status json_body = CheckJsonMediaType(request); !json_body.ok()) {
      return ProblemResponse(json_body.error(), request.path);
    }
    auto problems = api_.catalog.Lint(actor, request.body);
    if (!problems.ok()) return ProblemResponse(problems.error(), request.path);
    return JsonResponse(200, LintProblemsJson(*problems));
  }

  HttpResponse SubmitDossier(const HttpRequest& request, const PathParams&,
                             const Actor& actor) const {
    Result<json> body = ParseObjectBody(
        request, {"procedure", "agency", "form", "documents", "channel", "applicant_id"});
    if (!body.ok()) return ProblemResponse(body.error(), request.path);
    if (!body->contains("procedure") || !(*body)["procedure"].is_string()) {
      return ProblemResponse(
          Error(ErrorCode::kInvalidArgument, "the procedure code is required",
                ErrorReason::kValidation, {{"/procedure", "must be a procedure code"}}),
          request.path);
    }
    if (body->contains("agency") && !(*body)["agency"].is_string()) {
      return ProblemResponse(Error(ErrorCode::kInvalidArgument, "the agency must be a string",
                                   ErrorReason::kValidation, {{"/agency", "must be an agency ID"}}),
                             request.path);
    }
    NewDossier submission;
    submission.procedure_code = (*body)["procedure"].get<std::string>();
    submission.agency = body->value("agency", std::string());
    json payload = *body;
    payload.erase("procedure");
    payload.erase("agency");
    submission.payload = std::move(payload);
    // The authenticator left the session's verified identity in the facts.
    if (request.facts != nullptr) submission.verified_identity = request.facts->verified_identity;
    Result<DossierView> view = api_.dossiers.Submit(actor, submission);
    if (!view.ok()) return ProblemResponse(view.error(), request.path);
    HttpResponse response = DossierWriteResponse(201, *view, request);
    response.headers.push_back({"Location", "/v1/dossiers/" + view->dossier.code});
    return response;
  }

  HttpResponse GetDossier(const HttpRequest& request, const PathParams& params,
                          const Actor& actor) const {
    Result<DossierView> view = api_.dossiers.Get(actor, params.at("code"));
    if (!view.ok()) return ProblemResponse(view.error(), request.path);
    return DossierResponse(200, *view);
  }

  HttpResponse ListDossiers(const HttpRequest& request, const PathParams&,
                            const Actor& actor) const {
    Result<int> limit = PageLimit(request);
    if (!limit.ok()) return ProblemResponse(limit.error(), request.path);
    Result<DossierFilter> filter = ListFilter(request);
    if (!filter.ok()) return ProblemResponse(filter.error(), request.path);
    auto page = api_.dossiers.List(
        actor, DossierListRequest{QueryValue(request, "after"), *limit, std::move(filter).value()});
    if (!page.ok()) return ProblemResponse(page.error(), request.path);
    return JsonResponse(200, PageJson(*page, *limit));
  }

  HttpResponse Act(const HttpRequest& request, const PathParams& params, const Actor& actor) const {
    Result<std::optional<std::int64_t>> version = IfMatchVersion(request);
    if (!version.ok()) return ProblemResponse(version.error(), request.path);
    Result<ActionInput> input = ActionBody(request);
    if (!input.ok()) return ProblemResponse(input.error(), request.path);
    // A client that asked for the minimal answer gets the next step's view,
    // which DossierWriteResponse then writes.
    const ViewDepth depth = PrefersMinimalReturn(request) ? ViewDepth::kNextStep : ViewDepth::kFull;
    Result<DossierView> view = api_.dossiers.Act(
        actor, {params.at("code"), params.at("action"), *version, std::move(input).value(), depth});
    if (!view.ok()) return ProblemResponse(view.error(), request.path);
    return DossierWriteResponse(200, *view, request);
  }

  HttpResponse Rate(const HttpRequest& request, const PathParams& params,
                    const Actor& actor) const {
    Result<json> body = ParseObjectBody(request, {"score", "comment"});
    if (!body.ok()) return ProblemResponse(body.error(), request.path);
    Result<DossierView> view = api_.dossiers.Rate(actor, params.at("code"), *body);
    if (!view.ok()) return ProblemResponse(view.error(), request.path);
    return DossierWriteResponse(201, *view, request);
  }

  HttpResponse Claim(const HttpRequest& request, const PathParams& params,
                     const Actor& actor) const {
    Result<DossierView> view = api_.dossiers.Claim(actor, params.at("code"));
    if (!view.ok()) return ProblemResponse(view.error(), request.path);
    return DossierWriteResponse(200, *view, request);
  }

  HttpResponse Release(const HttpRequest& request, const PathParams& params,
                       const Actor& actor) const {
    Result<DossierView> view = api_.dossiers.Release(actor, params.at("code"));
    if (!view.ok()) return ProblemResponse(view.error(), request.path);
    return DossierWriteResponse(200, *view, request);
  }

  HttpResponse ResultDocument(const HttpRequest& request, const PathParams& params,
                              const Actor& actor) const {
    Result<std::string> bytes = api_.dossiers.ResultBytes(actor, params.at("code"));
    if (!bytes.ok()) return ProblemResponse(bytes.error(), request.path);
    HttpResponse response;
    response.status = 200;
    response.content_type = "application/octet-stream";
    response.body = std::move(bytes).value();
    response.headers.push_back({"Content-Disposition", "attachment; filename=\"result\""});
    response.headers.push_back({"X-Content-Type-Options", "nosniff"});
    return response;
  }

  HttpResponse ResultSignatures(const HttpRequest& request, const PathParams& params,
                                const Actor& actor) const {
    const std::string& code = params.at("code");
    auto signatures = api_.dossiers.Signatures(actor, code);
    if (!signatures.ok()) return ProblemResponse(signatures.error(), request.path);
    json items = json::array();
    for (const ResultSignatureView& view : *signatures) {
      json item = SignatureJson(view);
      if (!view.evidence.signature_id.empty()) {
        item["href"] =
            "/v1/dossiers/" + code + "/result/signatures/" + view.evidence.signature_id + ".p7s";
      }
      items.push_back(std::move(item));
    }
    return JsonResponse(200, {{"items", items}});
  }

  HttpResponse SignatureFile(const HttpRequest& request, const PathParams& params,
                             const Actor& actor) const {
    std::string id = params.at("id");
    constexpr std::string_view kSuffix = ".p7s";
    if (id.size() > kSuffix.size() &&
        id.compare(id.size() - kSuffix.size(), kSuffix.size(), kSuffix) == 0) {
      id.resize(id.size() - kSuffix.size());
    }
    Result<std::string> der = api_.dossiers.SignatureBytes(actor, params.at("code"), id);
    if (!der.ok()) return ProblemResponse(der.error(), request.path);
    HttpResponse response;
    response.status = 200;
    response.content_type = "application/pkcs7-signature";
    response.body = std::move(der).value();
    response.headers.push_back(
        {"Content-Disposition", "attachment; filename=\"" + id.substr(0, 16) + ".p7s\""});
    response.headers.push_back({"X-Content-Type-Options", "nosniff"});
    return response;
  }

  // Public: no authentication, and the answer names no applicant.
  HttpResponse VerifyResult(const HttpRequest& request, const PathParams&) const {
    if (request.body.empty()) {
      return ProblemResponse(
          Error(ErrorCode::kInvalidArgument, "send the result document's bytes as the request body",
                ErrorReason::kEmptyBody, {{"", "the body is empty"}}),
          request.path);
    }
    auto check = api_.dossiers.VerifyPublishedResult(request.body);
    if (!check.ok()) return ProblemResponse(check.error(), request.path);
    json signatures = json::array();
    for (const ResultSignatureView& view : check->signatures) {
      json item = SignatureJson(view);
      item.erase("covers_current_result");
      signatures.push_back(std::move(item));
    }
    return JsonResponse(
        200, {{"dossier", check->dossier_code},
              {"agency", check->agency},
              {"procedure", {{"code", check->procedure_code}, {"name", check->procedure_name}}},
              {"result_kind", check->result_kind},
              {"valid", check->all_valid},
              {"signatures", signatures}});
  }

  HttpResponse History(const HttpRequest& request, const PathParams& params,
                       const Actor& actor) const {
    auto slip = api_.dossiers.History(actor, params.at("code"));
    if (!slip.ok()) return ProblemResponse(slip.error(), request.path);
    json items = json::array();
    for (const HandOff& h : slip->hand_offs) {
      const Workflow& workflow = slip->WorkflowOf(h);
      items.push_back(
          {{"state", h.state},
           {"state_title", StateTitleJson(workflow, h.state)},
           {"branch", h.branch.empty() ? json() : json(h.branch)},
           {"action", h.action.empty() ? json() : json(h.action)},
           {"action_title", h.action.empty() ? json() : ActionTitleJson(workflow, h.action)},
           {"given_by", h.given_by},
           {"handled_by", h.handled_by.empty() ? json() : json(h.handled_by)},
           {"agency", h.agency},
           {"entered", FormatRfc3339DateTime(h.entered)},
           {"left", OptionalInstant(h.left)},
           {"due", OptionalInstant(h.due)},
           {"timeliness", h.timeliness ? json(TimelinessName(*h.timeliness)) : json()}});
    }
    return JsonResponse(200, {{"code", params.at("code")}, {"items", items}});
  }

  HttpResponse Audit(const HttpRequest& request, const PathParams& params,
                     const Actor& actor) const {
    auto records = api_.dossiers.Audit(actor, params.at("code"));
    if (!records.ok()) return ProblemResponse(records.error(), request.path);
    json items = json::array();
    for (const AuditRecord& r : *records) {
      items.push_back({{"sequence", r.sequence},
                       {"index", r.index},
                       {"action", r.event.action},
                       {"from", r.event.from_state},
                       {"to", r.event.to_state},
                       {"actor", EventActorJson(r.event)},
                       {"at", FormatRfc3339DateTime(r.event.at)},
                       {"channel", r.event.channel ? json(ChannelName(*r.event.channel)) : json()},
                       {"payload", r.event.payload},
                       {"previous_hash", r.previous_hash},
                       {"hash", r.hash}});
    }
    return JsonResponse(200, {{"code", params.at("code")}, {"items", items}});
  }

  HttpResponse Queue(const HttpRequest& request, const PathParams&, const Actor& actor) const {
    Result<int> limit = PageLimit(request);
    if (!limit.ok()) return ProblemResponse(limit.error(), request.path);
    QueueQuery query;
    std::optional<std::string> role = QueryValue(request, "role");
    if (!role && actor.roles.size() == 1) role = actor.roles.front();
    query.role = role.value_or("");
    query.state = QueryValue(request, "state");
    query.procedure_code = QueryValue(request, "procedure");
    query.after_code = QueryValue(request, "after");
    query.limit = *limit;
    auto page = api_.dossiers.Queue(actor, query);
    if (!page.ok()) return ProblemResponse(page.error(), request.path);
    return JsonResponse(200, QueuePageJson(*page, *limit));
  }

 private:
  const DossierApi& api_;
};

}  // namespace

HttpResponse DossierResponse(int status, const DossierView& view) {
  HttpResponse response = JsonResponse(status, DossierJson(view));
  response.headers.push_back({"ETag", VersionTag(view.dossier.version)});
  return response;
}

HttpResponse DossierWriteResponse(int status, const DossierView& view, const HttpRequest& request) {
  if (!PrefersMinimalReturn(request)) return DossierResponse(status, view);
  const Dossier& d = view.dossier;
  // The object JsonResponse would dump, written member by member in its
  // (sorted) order: this answers most writes.
  std::string body = "{\"available_actions\":";
  AppendJsonStrings(body, view.available_actions);
  body += ",\"code\":";
  AppendJsonString(body, d.code);
  body += ",\"state\":";
  AppendJsonString(body, d.state);
  body += ",\"status\":" + std::to_string(static_cast<int>(view.status));
  body += ",\"version\":" + std::to_string(d.version) + "}";
  HttpResponse response = JsonTextResponse(status, std::move(body));
  response.headers.push_back({"ETag", VersionTag(d.version)});
  response.headers.push_back({"Preference-Applied", std::string(kMinimalReturnApplied)});
  return response;
}

Status AddDossierRoutes(Router& router, const DossierApi& api) {
  auto handlers = std::make_shared<const Handlers>(api);
  // Workflows (deep schema validation, admins) and anonymous verification
  // stay on the handler pool.
  const MemberRoute<Handlers> pooled[] = {
      {"GET", "/v1/procedures", RouteAccess::kPublic, &Handlers::ListProcedures},
      {"GET", "/v1/procedures/{code}", RouteAccess::kPublic, &Handlers::GetProcedure},
      {"POST", "/v1/procedures/lint", RouteAccess::kAuthenticated, &Handlers::LintWorkflow},
      {"GET", "/v1/procedures/{code}/versions", RouteAccess::kAuthenticated,
       &Handlers::ListVersions},
      {"GET", "/v1/procedures/{code}/versions/{from}/diff/{to}", RouteAccess::kAuthenticated,
       &Handlers::DiffVersions},
      {"PUT", "/v1/procedures/{code}/workflow", RouteAccess::kAuthenticated,
       &Handlers::PublishWorkflow},
      {"POST", "/v1/verify", RouteAccess::kPublic, &Handlers::VerifyResult},
  };
  // The dossiers' own routes wait on nothing but the stores: they may run on
  // fibers (RouteExecution::kStoreWaitsOnly).
  const MemberRoute<Handlers> dossiers[] = {
      {"POST", "/v1/dossiers", RouteAccess::kAuthenticated, &Handlers::SubmitDossier},
      {"GET", "/v1/dossiers", RouteAccess::kAuthenticated, &Handlers::ListDossiers},
      {"GET", "/v1/dossiers/{code}", RouteAccess::kAuthenticated, &Handlers::GetDossier},
      {"POST", "/v1/dossiers/{code}/actions/{action}", RouteAccess::kAuthenticated, &Handlers::Act},
      {"POST", "/v1/dossiers/{code}/claim", RouteAccess::kAuthenticated, &Handlers::Claim},
      {"POST", "/v1/dossiers/{code}/rating", RouteAccess::kAuthenticated, &Handlers::Rate},
      {"POST", "/v1/dossiers/{code}/release", RouteAccess::kAuthenticated, &Handlers::Release},
      {"GET", "/v1/dossiers/{code}/history", RouteAccess::kAuthenticated, &Handlers::History},
      {"GET", "/v1/dossiers/{code}/result", RouteAccess::kAuthenticated, &Handlers::ResultDocument},
      {"GET", "/v1/dossiers/{code}/result/signatures", RouteAccess::kAuthenticated,
       &Handlers::ResultSignatures},
      {"GET", "/v1/dossiers/{code}/result/signatures/{id}", RouteAccess::kAuthenticated,
       &Handlers::SignatureFile},
      {"GET", "/v1/dossiers/{code}/audit", RouteAccess::kAuthenticated, &Handlers::Audit},
      {"GET", "/v1/queue", RouteAccess::kAuthenticated, &Handlers::Queue},
  };
  RETURN_IF_ERROR(AddMemberRoutes(router, handlers, pooled, api.authenticate));
  return AddMemberRoutes(router, handlers, dossiers, api.authenticate,
                         RouteExecution::kStoreWaitsOnly);
}

}  // namespace motcua
