package io.lvs.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lvs.agent.inspect.IpvsadmListing.Layout;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What each command line means, and that nonsense is named instead of guessed at. */
class CommandTest {

    @Test
    void noArgumentsAndHelpAskForTheUsage() {
        assertEquals(new Command.Help(), Command.parse(List.of()));
        assertEquals(new Command.Help(), Command.parse(List.of("help")));
        assertEquals(new Command.Help(), Command.parse(List.of("--help")));
        assertEquals(new Command.Help(), Command.parse(List.of("-h")));
    }

    @Test
    void inspectReadsTheAgentsNamespaceInIpvsadmsDefaultColumns() {
        assertEquals(new Command.Inspect(Optional.empty(), Layout.DEFAULT), Command.parse(List.of("inspect")));
    }

    @Test
    void inspectTakesANamespaceAndOneLayoutInAnyOrder() {
        assertEquals(new Command.Inspect(Optional.of("dir1"), Layout.STATS),
                Command.parse(List.of("inspect", "--stats", "--netns", "dir1")));
        assertEquals(new Command.Inspect(Optional.of("dir1"), Layout.TUN_INFO),
                Command.parse(List.of("inspect", "--netns=dir1", "--tun-info")));
        assertEquals(new Command.Inspect(Optional.empty(), Layout.RATE), Command.parse(List.of("inspect", "--rate")));
        assertEquals(new Command.Inspect(Optional.empty(), Layout.THRESHOLDS),
                Command.parse(List.of("inspect", "--thresholds")));
        assertEquals(new Command.Inspect(Optional.empty(), Layout.PERSISTENT_CONN),
                Command.parse(List.of("inspect", "--persistent-conn")));
    }

    @Test
    void runAndCleanupTakeNoArguments() {
        assertEquals(new Command.Run(), Command.parse(List.of("run")));
        assertEquals(new Command.Cleanup(), Command.parse(List.of("cleanup")));
        assertTrue(Command.parse(List.of("run", "--now")) instanceof Command.Invalid);
    }

    @Test
    void badCommandLinesSayWhatIsWrong() {
        assertEquals(new Command.Invalid("unknown command 'list'"), Command.parse(List.of("list")));
        assertEquals(new Command.Invalid("unknown option '-Ln' for inspect"), Command.parse(List.of("inspect", "-Ln")));
        assertEquals(new Command.Invalid("--netns needs a namespace name (as in ip netns list)"),
                Command.parse(List.of("inspect", "--netns")));
        assertEquals(new Command.Invalid("--netns needs a namespace name (as in ip netns list)"),
                Command.parse(List.of("inspect", "--netns", "--stats")));
        assertEquals(new Command.Invalid("--netns given twice"),
                Command.parse(List.of("inspect", "--netns", "a", "--netns=b")));
        assertEquals(new Command.Invalid("--stats and --rate choose different columns; give one"),
                Command.parse(List.of("inspect", "--stats", "--rate")));
        assertEquals(new Command.Invalid("help takes no arguments"), Command.parse(List.of("help", "inspect")));
    }
}
