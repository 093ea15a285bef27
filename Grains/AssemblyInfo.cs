// Grain implementations live here (orchestration issue).
namespace Orchestrator.Grains;
