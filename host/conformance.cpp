// conformance.cpp: replays a MAgent2 conformance vector on a backend and compares every recorded
// field (positions, alive, rewards, hp, views, features, done), order-dependent fields by their sum.
#include "myriad/conformance.hpp"

#include <cmath>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <stdexcept>

namespace myriad {

namespace {

using nlohmann::json;

std::string num(double v) {
  std::ostringstream s;
  s.precision(7);
  s << v;
  return s.str();
}

struct Checker {
  ConformanceResult& res;
  double tol;
  void value(int t, const std::string& agent, const std::string& field, double expected, double got) {
    ++res.checked;
    if (!(std::fabs(expected - got) <= tol)) res.mismatches.push_back({t, agent, field, num(expected), num(got)});
  }
  void exact(int t, const std::string& agent, const std::string& field, long long expected, long long got) {
    ++res.checked;
    if (expected != got) res.mismatches.push_back({t, agent, field, std::to_string(expected), std::to_string(got)});
  }
};

const json& need(const json& j, const char* key, const std::string& path) {
  if (!j.is_object() || !j.contains(key))
    throw std::runtime_error(path + ": not a conformance vector (missing field '" + key + "')");
  return j.at(key);
}

}  // namespace

ConformanceResult run_conformance(const std::string& path, BackendKind backend, double tol) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path + ": cannot open file");
  json doc;
  try {
    in >> doc;
  } catch (const std::exception& e) {
    throw std::runtime_error(path + ": not valid JSON (" + e.what() + ")");
  }
  ConformanceResult res;
  res.path = path;
  try {
    res.name = need(doc, "name", path).get<std::string>();
    const int map_size = need(doc, "map_size", path).get<int>();
    const auto& initial = need(doc, "initial", path);
    const auto& red = need(initial, "red", path);
    const auto& blue = need(initial, "blue", path);
    const auto& actions = need(doc, "actions", path);
    const auto& steps = need(doc, "steps", path);
    const int n_red = static_cast<int>(red.size()), n_blue = static_cast<int>(blue.size());

    WorldConfig cfg = battle_config(1, map_size);
    cfg.groups[0].count = n_red;
    cfg.groups[1].count = n_blue;
    cfg.placement = Placement::kRandom;  // positions come from the file
    cfg.minimap = doc.value("minimap", false);
    cfg.mean_mode = MeanActionMode::kOff;
    cfg.max_steps = static_cast<int64_t>(actions.size()) + 1;
    auto world = make_world(backend, cfg);
    std::vector<std::pair<int, int>> pos;
    for (const auto& p : red) pos.emplace_back(p.at(0).get<int>(), p.at(1).get<int>());
    for (const auto& p : blue) pos.emplace_back(p.at(0).get<int>(), p.at(1).get<int>());
    world->reset(0, pos);

    // (t, "team:index", field) -> skipped one by one, compared as a sum.
    std::set<std::tuple<int, std::string, std::string>> skip;
    std::vector<std::tuple<int, std::vector<std::string>, std::string, double>> sums;
    for (const auto& od : doc.value("order_dependent_fields", json::array())) {
      const int t = od.at("t").get<int>();
      const auto names = od.at("agents").get<std::vector<std::string>>();
      const auto field = od.at("field").get<std::string>();
      for (const auto& a : names) skip.emplace(t, a, field);
      sums.emplace_back(t, names, field, od.at("invariant_sum").get<double>());
    }

    Checker check{res, tol};
    auto id_of = [&](const std::string& name) {
      const auto colon = name.find(':');
      const int index = std::stoi(name.substr(colon + 1));
      return name.substr(0, colon) == "red" ? index : n_red + index;
    };
    const TypeParams& type = world->groups().type[0];
    for (const auto& step : steps) {
      const int t = step.at("t").get<int>();
      if (t > 0) {
        if (t - 1 >= static_cast<int>(actions.size()))
          throw std::runtime_error(path + ": step " + std::to_string(t) + " has no actions");
        std::vector<uint8_t> acts(static_cast<size_t>(n_red + n_blue), static_cast<uint8_t>(type.stay_action));
        const auto& at = actions.at(t - 1);
        for (int team = 0; team < 2; ++team)
          for (size_t k = 0; k < at.at(team).size(); ++k)
            if (!at.at(team).at(k).is_null())
              acts[(team == 0 ? 0 : n_red) + k] = static_cast<uint8_t>(at.at(team).at(k).get<int>());
        world->set_actions(acts);
        const StepStats& s = world->step();
        ++res.steps;
        check.exact(t, "", "done", step.value("done", false) ? 1 : 0, s.done ? 1 : 0);
      }
      const HostState st = world->snapshot();
      std::vector<uint8_t> listed(st.alive.size(), 0);
      std::map<std::string, double> got_by_key;
      for (const auto& ag : step.at("agents")) {
        const std::string name = ag.at("team").get<std::string>() + ":" + std::to_string(ag.at("index").get<int>());
        const int i = id_of(name);
        listed[i] = 1;
        check.exact(t, name, "id", ag.at("id").get<int>(), i);
        check.exact(t, name, "x", ag.at("x").get<int>(), st.x[i]);
        check.exact(t, name, "y", ag.at("y").get<int>(), st.y[i]);
        check.exact(t, name, "alive", ag.at("alive").get<bool>() ? 1 : 0, st.alive[i]);
        const double hp_frac = static_cast<double>(st.hp[i] / type.hp_max);
        const double reward = static_cast<double>(st.reward[i]);
        got_by_key[std::to_string(t) + "|" + name + "|hp_frac"] = hp_frac;
        got_by_key[std::to_string(t) + "|" + name + "|reward"] = reward;
        if (!ag.at("hp_frac").is_null() && !skip.count({t, name, "hp_frac"}))
          check.value(t, name, "hp_frac", ag.at("hp_frac").get<double>(), hp_frac);
        if (!ag.at("reward").is_null() && !skip.count({t, name, "reward"}))
          check.value(t, name, "reward", ag.at("reward").get<double>(), reward);
      }
      for (size_t i = 0; i < listed.size(); ++i)  // agents removed earlier must be dead here
        if (!listed[i] && t > 0) {
          const std::string name = i < static_cast<size_t>(n_red) ? "red:" + std::to_string(i)
                                                                  : "blue:" + std::to_string(i - n_red);
          check.exact(t, name, "removed (alive)", 0, st.alive[i]);
        }
      for (const auto& [t_sum, names, field, expected] : sums) {
        if (t_sum != t) continue;
        double got = 0;
        for (const auto& a : names) got += got_by_key[std::to_string(t) + "|" + a + "|" + field];
        check.value(t, "sum(" + std::to_string(names.size()) + " agents)", field, expected, got);
      }
      if (!step.contains("views")) continue;
      for (const auto& [name, v] : step.at("views").items()) {
        const int i = id_of(name);
        const auto obs = world->observation(i);
        const auto& L = world->obs_layout();
        const auto& view = v.at("view");
        for (int r = 0; r < static_cast<int>(view.size()); ++r)
          for (int c = 0; c < static_cast<int>(view.at(r).size()); ++c)
            for (int ch = 0; ch < static_cast<int>(view.at(r).at(c).size()); ++ch)
              check.value(t, name, "view[" + std::to_string(r) + "][" + std::to_string(c) + "][" + std::to_string(ch) + "]",
                          view.at(r).at(c).at(ch).get<double>(),
                          obs[(static_cast<size_t>(r) * L.view_side + c) * L.channels + ch]);
        const auto feat = world->features(i);
        const auto& ef = v.at("features");
        for (size_t k = 0; k < ef.size(); ++k)
          check.value(t, name, "features[" + std::to_string(k) + "]", ef.at(k).get<double>(), k < feat.size() ? feat[k] : NAN);
      }
    }
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(path + ": malformed conformance vector (" + e.what() + ")");
  }
  return res;
}

}  // namespace myriad
