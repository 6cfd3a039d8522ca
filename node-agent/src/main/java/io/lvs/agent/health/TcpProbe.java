package io.lvs.agent.health;

/** A TCP check: healthy when the handshake completes. */
final class TcpProbe extends SocketProbe {
    TcpProbe(Engine engine, Check check, CheckTarget target) {
        super(engine, check, target);
    }

    @Override
    void connected() {
        end(Outcome.SUCCESS, "connected");
    }

    @Override
    void step() {
        // a TCP probe ends when it connects
    }

    @Override
    public String stage() {
        return "connecting";
    }
}
