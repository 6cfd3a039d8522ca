{{/* Name of the operator's objects: the release name, unless it already says lvs-operator. */}}
{{- define "lvs-operator.fullname" -}}
{{- if contains "lvs-operator" .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-lvs-operator" .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "lvs-operator.labels" -}}
app.kubernetes.io/name: lvs-operator
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/part-of: lvs-operator
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "lvs-operator.selectorLabels" -}}
app.kubernetes.io/name: lvs-operator
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "lvs-operator.operatorImage" -}}
{{ .Values.operator.image.repository }}:{{ .Values.operator.image.tag | default .Chart.AppVersion }}
{{- end -}}

{{- define "lvs-operator.agentImage" -}}
{{ .Values.agent.image.repository }}:{{ .Values.agent.image.tag | default .Chart.AppVersion }}
{{- end -}}

{{- define "lvs-operator.agentLabels" -}}
app.kubernetes.io/name: lvs-node-agent
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/part-of: lvs-operator
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* The Secret holding the directors' VRRP advert keys: the user's, or the one the operator creates and rotates. */}}
{{- define "lvs-operator.vrrpKeySecret" -}}
{{- .Values.agent.election.keySecret | default (printf "%s-vrrp-keys" (include "lvs-operator.fullname" .)) -}}
{{- end -}}
