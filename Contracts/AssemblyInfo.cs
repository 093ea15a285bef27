// Grain interfaces and serializable records live here (orchestration issue).
namespace Orchestrator.Contracts;
