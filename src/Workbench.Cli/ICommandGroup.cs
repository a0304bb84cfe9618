using System.CommandLine;

namespace Workbench.Cli;

/// <summary>
/// One top-level command (or command group) of the workbench CLI. Program discovers every
/// implementation by reflection, so each group lives in its own file under Commands/.
/// </summary>
public interface ICommandGroup
{
    Command Build();
}
